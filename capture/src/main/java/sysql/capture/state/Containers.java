package sysql.capture.state;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Container ids from cgroup paths, as sysdig recognizes them: docker ({@code /docker/<64 hex>} or
 * {@code docker-<64 hex>.scope}), containerd/CRI ({@code cri-containerd-<64 hex>.scope}, kubepods paths),
 * podman ({@code libpod-<64 hex>.scope}), CRI-O ({@code crio-<64 hex>.scope}) and systemd-nspawn
 * ({@code machine.slice/machine-NAME.scope}); sysdig shows the first 12 characters. Else {@code host}.
 */
public final class Containers {
    private static final Pattern HEX64 = Pattern.compile(
            "(?:/docker/|docker-|/libpod-|libpod-|cri-containerd-|crio-|/kubepods[^ ]*/pod[^/]+/)([0-9a-f]{64})");
    private static final Pattern NSPAWN = Pattern.compile("machine\\.slice/machine-([^/]+)\\.scope");

    private Containers() {}

    public static String idFromCgroups(List<String> cgroups) {
        for (String c : cgroups) {
            Matcher m = HEX64.matcher(c);
            if (m.find()) {
                return m.group(1).substring(0, 12);
            }
        }
        for (String c : cgroups) {
            Matcher m = NSPAWN.matcher(c);
            if (m.find()) {
                return m.group(1);
            }
        }
        return "host";
    }
}
