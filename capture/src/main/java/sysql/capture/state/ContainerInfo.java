// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

/**
 * What a container metadata event (sysdig's {@code container} JSON event, written into capture files) says
 * about one container: its id (12 characters), name, image and IPv4 address (4 bytes, all 0 when unknown).
 */
public record ContainerInfo(String id, String name, String image, byte[] ip) {

    /** The IPv4 address as a big-endian int. */
    public int ipv4() {
        return (ip[0] & 0xff) << 24 | (ip[1] & 0xff) << 16 | (ip[2] & 0xff) << 8 | (ip[3] & 0xff);
    }

    /**
     * The container described by a container JSON event ({@code {"container":{"id":...,"name":...}}}), or null
     * when the text has no container id. Only the container object's own top-level fields are read.
     */
    public static ContainerInfo fromJson(String json) {
        int at = json.indexOf("\"container\"");
        if (at < 0) {
            return null;
        }
        int open = json.indexOf('{', at);
        if (open < 0) {
            return null;
        }
        String id = null;
        String name = "";
        String image = "";
        byte[] ip = new byte[4];
        JsonCursor c = new JsonCursor(json, open + 1);
        while (c.skipSpace() && c.peek() != '}') {
            String key = c.string();
            if (key == null || !c.expect(':')) {
                return null;
            }
            c.skipSpace();
            if (c.peek() == '"') {
                String value = c.string();
                switch (key) {
                    case "id" -> id = value;
                    case "name" -> name = value;
                    case "image" -> image = value;
                    case "ip" -> ip = ipv4(value);
                    default -> {}
                }
            } else if (!c.skipValue()) {
                return null;
            }
            c.skipSpace();
            if (c.peek() == ',') {
                c.next();
            }
        }
        return id == null ? null : new ContainerInfo(id, name, image, ip);
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

    /** A small forward-only JSON reader: strings, and values skipped whole. */
    private static final class JsonCursor {
        private final String s;
        private int i;

        JsonCursor(String s, int i) {
            this.s = s;
            this.i = i;
        }

        char peek() {
            return i < s.length() ? s.charAt(i) : '}';
        }

        void next() {
            i++;
        }

        boolean skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            return i < s.length();
        }

        boolean expect(char ch) {
            skipSpace();
            if (peek() != ch) {
                return false;
            }
            i++;
            return true;
        }

        /** A string at the cursor (escapes kept as the character they escape), or null. */
        String string() {
            skipSpace();
            if (peek() != '"') {
                return null;
            }
            StringBuilder out = new StringBuilder();
            for (i++; i < s.length(); i++) {
                char ch = s.charAt(i);
                if (ch == '\\' && i + 1 < s.length()) {
                    out.append(s.charAt(++i));
                } else if (ch == '"') {
                    i++;
                    return out.toString();
                } else {
                    out.append(ch);
                }
            }
            return null;
        }

        /** Skips a number, literal, array or object; false on a malformed text. */
        boolean skipValue() {
            int depth = 0;
            while (i < s.length()) {
                char ch = s.charAt(i);
                if (ch == '"') {
                    if (string() == null) {
                        return false;
                    }
                    continue;
                }
                if (ch == '{' || ch == '[') {
                    depth++;
                } else if (ch == '}' || ch == ']') {
                    if (depth == 0) {
                        return true;
                    }
                    depth--;
                } else if (ch == ',' && depth == 0) {
                    return true;
                }
                i++;
            }
            return false;
        }
    }
}
