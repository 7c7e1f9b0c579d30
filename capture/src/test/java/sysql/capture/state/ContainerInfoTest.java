// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Container JSON events read as sysdig 0.29's parse_container_json_evt reads them. The test captures' containers
 * (bencer_example4) have no probes, repository, tag or digest and are not privileged, so those keys are
 * checked here on a JSON of the same shape.
 */
class ContainerInfoTest {
    @Test
    void readsTheCapturesContainerEvent() {
        ContainerInfo c = ContainerInfo.fromJson("{\"container\":{\"Mounts\":[{\"Destination\":\"/var/lib/mysql\","
                + "\"Mode\":\"\",\"Propagation\":\"\",\"RW\":true,\"Source\":\"/var/lib/docker/volumes/af/_data\"}],"
                + "\"id\":\"1b709bd0d100\",\"image\":\"mysql:5.7\",\"imageid\":\"5709795e\",\"ip\":\"172.17.0.2\","
                + "\"name\":\"example4_mysql_1\",\"privileged\":false,\"type\":0}}");
        assertEquals("1b709bd0d100", c.id());
        assertEquals("docker", c.typeName());
        assertTrue(c.dockerCompatible());
        assertEquals("mysql:5.7", c.image());
        assertEquals("5709795e", c.imageId());
        assertEquals("", c.imageRepository());
        assertEquals(0xac110002, c.ipv4());
        assertFalse(c.privileged());
        assertEquals(
                List.of(new ContainerInfo.Mount("/var/lib/docker/volumes/af/_data", "/var/lib/mysql", "", true, "")),
                c.mounts());
        assertEquals(
                "/var/lib/docker/volumes/af/_data:/var/lib/mysql::true:",
                c.mounts().get(0).toString());
        assertNull(c.healthcheck());
    }

    @Test
    void readsProbesImageDetailsAndOtherTypes() {
        ContainerInfo c = ContainerInfo.fromJson("{\"container\":{\"id\":\"abc\",\"type\":7,\"privileged\":true,"
                + "\"imagerepo\":\"falcosecurity/falco\",\"imagetag\":\"latest\",\"imagedigest\":\"sha256:d9\","
                + "\"Healthcheck\":{\"exe\":\"curl\",\"args\":[\"-f\",\"http://localhost/\"]},"
                + "\"ReadinessProbe\":{\"exe\":\"/bin/true\"},\"labels\":{\"a\":\"b \\\"q\\\"\"},\"env\":[]}}");
        assertEquals("containerd", c.typeName());
        assertTrue(c.privileged());
        assertEquals("falcosecurity/falco", c.imageRepository());
        assertEquals("latest", c.imageTag());
        assertEquals("sha256:d9", c.imageDigest());
        assertEquals("curl -f http://localhost/", c.healthcheck());
        assertNull(c.livenessProbe());
        assertEquals("/bin/true", c.readinessProbe());
        assertEquals(List.of(), c.mounts());
        ContainerInfo lxc = ContainerInfo.fromJson("{\"container\":{\"id\":\"x\",\"type\":1}}");
        assertEquals("lxc", lxc.typeName());
        assertFalse(lxc.dockerCompatible());
        assertEquals(
                -1, ContainerInfo.fromJson("{\"container\":{\"id\":\"x\"}}").type());
    }

    @Test
    void rejectsTextWithoutAContainerId() {
        assertNull(ContainerInfo.fromJson("{\"container\":{\"name\":\"n\"}}"));
        assertNull(ContainerInfo.fromJson("{\"container\":{\"id\":"));
        assertNull(ContainerInfo.fromJson("not json"));
    }
}
