// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Container ids from cgroup paths, as sysdig recognizes them: docker ({@code /docker/<64 hex>} or
 * {@code docker-<64 hex>.scope}), containerd/CRI ({@code cri-containerd-<64 hex>.scope}, kubepods paths),
 * podman ({@code libpod-<64 hex>.scope}), CRI-O ({@code crio-<64 hex>.scope}) and systemd-nspawn
 * ({@code machine.slice/machine-NAME.scope}); sysdig shows the first 12 characters. Empty for the host.
 */
public final class Containers {
    private static final Pattern HEX64 = Pattern.compile(
            "(?:/docker/|docker-|/libpod-|libpod-|cri-containerd-|crio-|/kubepods[^ ]*/pod[^/]+/)([0-9a-f]{64})");
    private static final Pattern NSPAWN = Pattern.compile("machine\\.slice/machine-([^/]+)\\.scope");

    private Containers() {}

    /**
     * Cgroup entries ({@code subsystem=path}) named as sysdig names them: a {@code _cgroup} suffix dropped,
     * {@code perf} as {@code perf_event}, {@code mem} as {@code memory}, {@code io} as {@code blkio}.
     */
    public static List<String> sysdigNames(List<String> cgroups) {
        List<String> out = null;
        for (int i = 0; i < cgroups.size(); i++) {
            String c = cgroups.get(i);
            int eq = c.lastIndexOf('=');
            if (eq < 0) {
                continue;
            }
            String original = c.substring(0, eq);
            String subsys = switch (original.replace("_cgroup", "")) {
                case "perf" -> "perf_event";
                case "mem" -> "memory";
                case "io" -> "blkio";
                default -> original.replace("_cgroup", "");
            };
            if (!subsys.equals(original)) {
                if (out == null) {
                    out = new java.util.ArrayList<>(cgroups);
                }
                out.set(i, subsys + c.substring(eq));
            }
        }
        return out == null ? cgroups : List.copyOf(out);
    }

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
        return "";
    }
}
