// SPDX-License-Identifier: Apache-2.0
package sysql.capture.fields;

import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import sysql.capture.state.ContainerInfo;
import sysql.capture.state.ThreadInfo;

/**
 * Fields of class container beyond container.id and container.name (in {@link ProcFields}): what the
 * capture's container metadata events say about the thread's container, as sysdig's container filter check
 * reads it. Outside containers (the host) they are NULL but container.type, which is "host"; in a container
 * the capture never described they are NULL. The mount fields are parametric: {@code container.mount[N]} by
 * position, {@code container.mount[GLOB]} by source; {@code container.mount.source[GLOB]} by destination and
 * the other {@code container.mount.*[GLOB]} by source (GLOB as fnmatch: *, ?, [...]).
 */
final class ContainerFields extends FieldDefinitions {
    /** container.mount*[N] are declared up front ({@link FieldCatalog#parametricNames}) for N up to this. */
    static final int MAX_MOUNT_INDEX = 3;
    /** The parametric mount fields, as sysdig names them (before the [argument]). */
    static final List<String> MOUNT_FIELDS = List.of(
            "container.mount",
            "container.mount.source",
            "container.mount.dest",
            "container.mount.mode",
            "container.mount.rdwr",
            "container.mount.propagation");

    private ContainerFields() {}

    /** The thread's container as the capture described it, or null (no thread, the host, or not described). */
    private static ContainerInfo info(EventContext c) {
        ThreadInfo t = c.thread();
        if (t == null || t.containerId().isEmpty()) {
            return null;
        }
        return c.tracker().threads().container(t.containerId());
    }

    private static String nonEmpty(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static Field.StringExtractor text(Function<ContainerInfo, String> f) {
        return c -> {
            ContainerInfo i = info(c);
            return i == null ? null : nonEmpty(f.apply(i));
        };
    }

    static void register() {
        str("container.image", "Image of the container (e.g. nginx:latest).", text(ContainerInfo::image));
        str("container.image.id", "Id of the container's image.", text(ContainerInfo::imageId));
        str(
                "container.type",
                "Container type: docker, lxc, libvirt-lxc, mesos, rkt, cri, containerd, cri-o, bpm; "
                        + "'host' outside containers.",
                c -> {
                    ThreadInfo t = c.thread();
                    if (t == null) {
                        return null;
                    }
                    if (t.containerId().isEmpty()) {
                        return "host";
                    }
                    ContainerInfo i = info(c);
                    return i == null ? null : i.typeName();
                });
        num(
                "container.privileged",
                FieldType.BOOLEAN,
                "True for a privileged container; NULL for container types that do not say (not docker-like).",
                valueIf(
                        c -> {
                            ContainerInfo i = info(c);
                            return i != null && i.dockerCompatible();
                        },
                        c -> info(c).privileged() ? 1 : 0));
        str(
                "container.mounts",
                "The container's mounts, comma-separated, each as source:dest:mode:rdwr:propagation.",
                c -> {
                    ContainerInfo i = info(c);
                    if (i == null) {
                        return null;
                    }
                    StringBuilder out = new StringBuilder();
                    for (ContainerInfo.Mount m : i.mounts()) {
                        if (out.length() > 0) {
                            out.append(',');
                        }
                        out.append(m);
                    }
                    return out.toString();
                });
        str(
                "container.image.repository",
                "Repository of the container's image (e.g. falcosecurity/falco).",
                text(ContainerInfo::imageRepository));
        str("container.image.tag", "Tag of the container's image (e.g. latest).", text(ContainerInfo::imageTag));
        str(
                "container.image.digest",
                "Registry digest of the container's image (sha256:...).",
                text(ContainerInfo::imageDigest));
        str(
                "container.healthcheck",
                "The container's health check command line; 'NONE' when it has none.",
                probe(ContainerInfo::healthcheck));
        str(
                "container.liveness_probe",
                "The container's liveness probe command line; 'NONE' when it has none.",
                probe(ContainerInfo::livenessProbe));
        str(
                "container.readiness_probe",
                "The container's readiness probe command line; 'NONE' when it has none.",
                probe(ContainerInfo::readinessProbe));
    }

    private static Field.StringExtractor probe(Function<ContainerInfo, String> f) {
        return c -> {
            ContainerInfo i = info(c);
            if (i == null) {
                return null;
            }
            String p = f.apply(i);
            return p == null ? "NONE" : p;
        };
    }

    /**
     * A parametric mount field ({@code container.mount[0]}, {@code container.mount.dest[/data/*]}...), or null
     * when {@code name} is none.
     */
    static Field resolve(String name) {
        int open = name.indexOf('[');
        if (open < 0 || !name.endsWith("]") || !MOUNT_FIELDS.contains(name.substring(0, open))) {
            return null;
        }
        String base = name.substring(0, open);
        String arg = name.substring(open + 1, name.length() - 1);
        int index = -1;
        Pattern glob = null;
        if (arg.matches("[0-9]{1,9}")) {
            index = Integer.parseInt(arg);
        } else {
            glob = globPattern(arg);
        }
        boolean byDest = base.equals("container.mount.source");
        String what = base.equals("container.mount") ? "mount" : base.substring("container.mount.".length());
        String selected = index >= 0 ? "number " + index : (byDest ? "with destination " : "with source ") + arg;
        final int idx = index;
        final Pattern g = glob;
        return Field.ofString(
                name,
                "The " + what + " of the container's mount " + selected
                        + (base.equals("container.mount") ? " (source:dest:mode:rdwr:propagation)" : "") + ".",
                c -> {
                    ContainerInfo i = info(c);
                    if (i == null) {
                        return null;
                    }
                    ContainerInfo.Mount m = null;
                    if (idx >= 0) {
                        m = idx < i.mounts().size() ? i.mounts().get(idx) : null;
                    } else {
                        for (ContainerInfo.Mount x : i.mounts()) {
                            if (g.matcher(byDest ? x.dest() : x.source()).matches()) {
                                m = x;
                                break;
                            }
                        }
                    }
                    if (m == null) {
                        return null;
                    }
                    return switch (what) {
                        case "source" -> m.source();
                        case "dest" -> m.dest();
                        case "mode" -> m.mode();
                        case "rdwr" -> Boolean.toString(m.rdwr());
                        case "propagation" -> m.propagation();
                        default -> m.toString();
                    };
                });
    }

    /** An fnmatch pattern without flags as a regular expression: * and ? match any character, / included. */
    static Pattern globPattern(String glob) {
        StringBuilder re = new StringBuilder();
        for (int k = 0; k < glob.length(); k++) {
            char ch = glob.charAt(k);
            switch (ch) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '\\' -> {
                    if (k + 1 < glob.length()) {
                        re.append(Pattern.quote(String.valueOf(glob.charAt(++k))));
                    } else {
                        re.append("\\\\");
                    }
                }
                case '[' -> {
                    int close = glob.indexOf(']', k + 2);
                    if (close < 0) {
                        re.append("\\[");
                        break;
                    }
                    String set = glob.substring(k + 1, close);
                    if (set.startsWith("!")) {
                        set = "^" + set.substring(1);
                    }
                    re.append('[')
                            .append(set.replace("\\", "\\\\").replace("[", "\\["))
                            .append(']');
                    k = close;
                }
                default -> re.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
