// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a container metadata event (sysdig's {@code container} JSON event, written into capture files, or the
 * old {@code container} event) says about one container, as sysdig 0.29's parse_container_json_evt reads it:
 * id (12 characters), type (sysdig's {@code sinsp_container_type} number, -1 when the event has none), name,
 * image, image id/repository/tag/digest (empty when absent), IPv4 address (4 bytes, all 0 when unknown), the
 * privileged flag, the mounts and the health probes (null when the container has none of that kind).
 */
public record ContainerInfo(
        String id,
        int type,
        String name,
        String image,
        String imageId,
        String imageRepository,
        String imageTag,
        String imageDigest,
        byte[] ip,
        boolean privileged,
        List<Mount> mounts,
        String healthcheck,
        String livenessProbe,
        String readinessProbe) {

    /** sysdig's container types by number (CT_DOCKER = 0 ... CT_PODMAN = 11). */
    public static final int DOCKER = 0, CRI = 6, CONTAINERD = 7, CRIO = 8, PODMAN = 11;

    /** One mount as docker describes it (Source, Destination, Mode, RW, Propagation). */
    public record Mount(String source, String dest, String mode, boolean rdwr, String propagation) {
        /** sysdig's rendering: {@code source:dest:mode:rdwr:propagation}. */
        @Override
        public String toString() {
            return source + ":" + dest + ":" + mode + ":" + rdwr + ":" + propagation;
        }
    }

    /** A container known only by id, type, name and image (the old container event). */
    public ContainerInfo(String id, int type, String name, String image) {
        this(id, type, name, image, "", "", "", "", new byte[4], false, List.of(), null, null, null);
    }

    /** The IPv4 address as a big-endian int. */
    public int ipv4() {
        return (ip[0] & 0xff) << 24 | (ip[1] & 0xff) << 16 | (ip[2] & 0xff) << 8 | (ip[3] & 0xff);
    }

    /** sysdig's name of the container type, or null for a type it has no name for. */
    public String typeName() {
        return switch (type) {
            case 0 -> "docker";
            case 1 -> "lxc";
            case 2 -> "libvirt-lxc";
            case 3 -> "mesos";
            case 4 -> "rkt";
            case 6 -> "cri";
            case 7 -> "containerd";
            case 8 -> "cri-o";
            case 9 -> "bpm";
            default -> null;
        };
    }

    /** True for the types whose privileged flag sysdig trusts (is_docker_compatible). */
    public boolean dockerCompatible() {
        return type == DOCKER || type == CRI || type == CONTAINERD || type == CRIO || type == PODMAN;
    }

    /**
     * The container described by a container JSON event ({@code {"container":{"id":...,"name":...}}}), or null
     * when the text is not JSON or has no container id.
     */
    public static ContainerInfo fromJson(String json) {
        Object root;
        try {
            root = new Json(json).value();
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!(root instanceof Map<?, ?> top) || !(top.get("container") instanceof Map<?, ?> c)) {
            return null;
        }
        if (!(c.get("id") instanceof String id)) {
            return null;
        }
        List<Mount> mounts = new ArrayList<>();
        if (c.get("Mounts") instanceof List<?> list) {
            for (Object o : list) {
                Map<?, ?> m = o instanceof Map<?, ?> mm ? mm : Map.of();
                mounts.add(new Mount(
                        text(m.get("Source")),
                        text(m.get("Destination")),
                        text(m.get("Mode")),
                        Boolean.TRUE.equals(m.get("RW")),
                        text(m.get("Propagation"))));
            }
        }
        return new ContainerInfo(
                id,
                c.get("type") instanceof Number n && n.longValue() >= 0 ? (int) n.longValue() : -1,
                text(c.get("name")),
                text(c.get("image")),
                text(c.get("imageid")),
                text(c.get("imagerepo")),
                text(c.get("imagetag")),
                text(c.get("imagedigest")),
                ipv4(c.get("ip") instanceof String s ? s : null),
                Boolean.TRUE.equals(c.get("privileged")),
                List.copyOf(mounts),
                probe(c.get("Healthcheck")),
                probe(c.get("LivenessProbe")),
                probe(c.get("ReadinessProbe")));
    }

    private static String text(Object o) {
        return o instanceof String s ? s : "";
    }

    /** A health probe object ({@code {"exe":...,"args":[...]}}) as sysdig prints it: exe and args joined by spaces. */
    private static String probe(Object o) {
        if (!(o instanceof Map<?, ?> m)
                || m.get("exe") == null
                || m.get("exe") instanceof Map
                || m.get("exe") instanceof List) {
            return null;
        }
        StringBuilder out = new StringBuilder(scalarText(m.get("exe")));
        if (m.get("args") instanceof List<?> args) {
            for (Object a : args) {
                if (a != null && !(a instanceof Map) && !(a instanceof List)) {
                    out.append(' ').append(scalarText(a));
                }
            }
        }
        return out.toString();
    }

    private static String scalarText(Object o) {
        if (o instanceof Double d && d == Math.rint(d)) {
            return Long.toString(d.longValue());
        }
        return String.valueOf(o);
    }

    private static byte[] ipv4(String text) {
        byte[] b = new byte[4];
        String[] parts = text == null ? new String[0] : text.split("\\.");
        if (parts.length != 4) {
            return b;
        }
        try {
            for (int i = 0; i < 4; i++) {
                b[i] = (byte) Integer.parseInt(parts[i]);
            }
        } catch (NumberFormatException e) {
            return new byte[4];
        }
        return b;
    }

    /**
     * A small JSON reader: objects as maps, arrays as lists, strings, numbers (Long or Double), booleans and null.
     * Container events are few, so it allocates freely; a malformed text is an IllegalArgumentException.
     */
    private static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object value() {
            skipSpace();
            if (i >= s.length()) {
                throw new IllegalArgumentException("end of text");
            }
            char ch = s.charAt(i);
            return switch (ch) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> literal("true", true);
                case 'f' -> literal("false", false);
                case 'n' -> literal("null", null);
                default -> number();
            };
        }

        private Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            i++;
            skipSpace();
            if (peek() == '}') {
                i++;
                return m;
            }
            while (true) {
                skipSpace();
                String key = string();
                skipSpace();
                expect(':');
                m.put(key, value());
                skipSpace();
                char ch = next();
                if (ch == '}') {
                    return m;
                }
                if (ch != ',') {
                    throw new IllegalArgumentException("expected , or } at " + i);
                }
            }
        }

        private List<Object> array() {
            List<Object> l = new ArrayList<>();
            i++;
            skipSpace();
            if (peek() == ']') {
                i++;
                return l;
            }
            while (true) {
                l.add(value());
                skipSpace();
                char ch = next();
                if (ch == ']') {
                    return l;
                }
                if (ch != ',') {
                    throw new IllegalArgumentException("expected , or ] at " + i);
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char ch = next();
                if (ch == '"') {
                    return out.toString();
                }
                if (ch != '\\') {
                    out.append(ch);
                    continue;
                }
                char esc = next();
                switch (esc) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            throw new IllegalArgumentException("bad escape");
                        }
                        try {
                            out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("bad escape", e);
                        }
                        i += 4;
                    }
                    default -> out.append(esc);
                }
            }
        }

        private Object number() {
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            String t = s.substring(start, i);
            try {
                return t.matches("-?[0-9]+") ? (Object) Long.parseLong(t) : (Object) Double.parseDouble(t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad value at " + start, e);
            }
        }

        private Object literal(String word, Object v) {
            if (!s.startsWith(word, i)) {
                throw new IllegalArgumentException("bad literal at " + i);
            }
            i += word.length();
            return v;
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private char peek() {
            return i < s.length() ? s.charAt(i) : 0;
        }

        private char next() {
            if (i >= s.length()) {
                throw new IllegalArgumentException("end of text");
            }
            return s.charAt(i++);
        }

        private void expect(char ch) {
            if (next() != ch) {
                throw new IllegalArgumentException("expected " + ch + " at " + (i - 1));
            }
        }
    }
}
