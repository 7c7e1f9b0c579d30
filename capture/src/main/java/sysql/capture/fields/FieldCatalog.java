package sysql.capture.fields;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The field catalog: every field sysql extracts, named exactly as sysdig names it, with its SQL type, a
 * description in our words, and one extractor. Each class of fields is defined in its own file (EvtFields,
 * ProcFields, FdFields); fields of sysdig's classes not in the catalog yet are listed in the module README.
 */
public final class FieldCatalog {
    static {
        EvtFields.register();
        ProcFields.register();
        FdFields.register();
    }

    private FieldCatalog() {}

    /**
     * A field by sysdig's name, or null. Parametric names (evt.arg.NAME, evt.arg[N], evt.rawarg.NAME...) are
     * resolved by their class's definitions on first use and then kept.
     */
    public static synchronized Field get(String name) {
        Field f = FieldDefinitions.FIELDS.get(name);
        if (f == null) {
            f = EvtFields.resolve(name);
            if (f == null) {
                f = ProcFields.resolve(name);
            }
            if (f != null) {
                FieldDefinitions.FIELDS.put(name, f);
            }
        }
        return f;
    }

    /** Every field, in catalog order. */
    public static List<Field> all() {
        return Collections.unmodifiableList(new ArrayList<>(FieldDefinitions.FIELDS.values()));
    }
}
