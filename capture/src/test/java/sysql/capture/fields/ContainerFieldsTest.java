// SPDX-License-Identifier: Apache-2.0
package sysql.capture.fields;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The parametric mount fields' names and their fnmatch globs (values: SysdigStateFieldsTest against sysdig). */
class ContainerFieldsTest {
    @Test
    void mountFieldsResolveByIndexOrGlob() {
        assertNotNull(FieldCatalog.get("container.mount[0]"));
        assertNotNull(FieldCatalog.get("container.mount.dest[/var/lib/*]"));
        assertEquals(
                FieldType.VARCHAR, FieldCatalog.get("container.mount.rdwr[2]").type());
        assertNull(FieldCatalog.get("container.mount.size[0]"));
        assertNull(FieldCatalog.get("container.mounts[0]"));
        assertNull(FieldCatalog.get("container.mount[0"));
        assertTrue(FieldCatalog.parametricNames().contains("container.mount.propagation[3]"));
    }

    @Test
    void globsMatchAsFnmatchWithoutFlags() {
        assertTrue(ContainerFields.globPattern("/var/lib/*")
                .matcher("/var/lib/docker/volumes/x")
                .matches());
        assertTrue(ContainerFields.globPattern("*_data").matcher("/a/b/_data").matches());
        assertTrue(ContainerFields.globPattern("/d?v").matcher("/dev").matches());
        assertTrue(ContainerFields.globPattern("/[a-c]x").matcher("/bx").matches());
        assertFalse(ContainerFields.globPattern("/[!a-c]x").matcher("/bx").matches());
        assertTrue(ContainerFields.globPattern("/a.b+").matcher("/a.b+").matches());
        assertFalse(ContainerFields.globPattern("/a.b").matcher("/axb").matches());
        assertTrue(ContainerFields.globPattern("\\*").matcher("*").matches());
    }
}
