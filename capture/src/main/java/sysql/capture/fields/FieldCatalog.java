// SPDX-License-Identifier: Apache-2.0
package sysql.capture.fields;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The field catalog: every field sysql extracts, named exactly as sysdig names it, with its SQL type, a
 * description in our words, and one extractor. Each class of fields is defined in its own file (EvtFields,
 * ProcFields, FdFields, FdListFields, ContainerFields); fields of sysdig's classes not in the catalog are listed,
 * each with its reason, in the module README (section "Fields not implemented").
 */
public final class FieldCatalog {
    static {
        EvtFields.register();
        ProcFields.register();
        FdFields.register();
        FdListFields.register();
        ContainerFields.register();
    }

    private FieldCatalog() {}

    /**
     * A field by sysdig's name, or null. Parametric names (evt.arg.NAME, evt.arg[N], evt.rawarg.NAME...) are
     * resolved by their class's definitions on first use and then kept.
     */
    public static synchronized Field get(String name) {
        Field f = FieldDefinitions.FIELDS.get(name);
        if (f == null) {
            f = RESOLVED.get(name);
        }
        if (f == null) {
            f = EvtFields.resolve(name);
            if (f == null) {
                f = ProcFields.resolve(name);
            }
            if (f == null) {
                f = ContainerFields.resolve(name);
            }
            if (f != null) {
                RESOLVED.put(name, f);
            }
        }
        return f;
    }

    /** Parametric fields resolved so far (kept apart: {@link #all()} lists the fixed fields only). */
    private static final java.util.Map<String, Field> RESOLVED = new java.util.HashMap<>();

    /**
     * Every instance of the parametric fields, by name, for a consumer that needs them all declared up front
     * (the SQL table): evt.arg.NAME and evt.rawarg.NAME for every parameter name of the event table, evt.arg[N]
     * for every parameter position, proc.apid[N] and proc.aname[N] for every ancestor level, evt.type.is.NAME for
     * every event type, container.mount[N] and container.mount.*[N] for the first mounts, thread.cgroup.SUBSYS for
     * the usual cgroup subsystems. Each resolves with {@link #get}.
     */
    public static List<String> parametricNames() {
        java.util.Set<String> params = new java.util.TreeSet<>();
        java.util.Set<String> types = new java.util.TreeSet<>();
        int maxParams = 0;
        for (sysql.capture.EventType t : sysql.capture.EventTypes.all()) {
            types.add(t.name());
            maxParams = Math.max(maxParams, t.nparams());
            for (sysql.capture.ParamInfo p : t.params()) {
                params.add(p.name());
            }
        }
        List<String> names = new ArrayList<>();
        for (String p : params) {
            names.add("evt.arg." + p);
        }
        for (String p : params) {
            names.add("evt.rawarg." + p);
        }
        for (int i = 0; i < maxParams; i++) {
            names.add("evt.arg[" + i + "]");
        }
        for (int i = 0; i <= ProcFields.MAX_ANCESTRY; i++) {
            names.add("proc.apid[" + i + "]");
        }
        for (int i = 0; i <= ProcFields.MAX_ANCESTRY; i++) {
            names.add("proc.aname[" + i + "]");
        }
        for (String t : types) {
            names.add("evt.type.is." + t);
        }
        for (String m : ContainerFields.MOUNT_FIELDS) {
            for (int i = 0; i <= ContainerFields.MAX_MOUNT_INDEX; i++) {
                names.add(m + "[" + i + "]");
            }
        }
        for (String subsys : ProcFields.CGROUP_SUBSYSTEMS) {
            names.add("thread.cgroup." + subsys);
        }
        names.removeIf(n -> get(n) == null);
        return names;
    }

    /** Every fixed (not parametric) field, in catalog order. */
    public static List<Field> all() {
        return Collections.unmodifiableList(new ArrayList<>(FieldDefinitions.FIELDS.values()));
    }
}
