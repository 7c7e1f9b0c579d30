package sysql.capture.state;

/** Path arithmetic as sysdig does it: relative paths resolve against a directory, then normalize. */
public final class Paths {
    private Paths() {}

    /**
     * {@code path} made absolute against {@code dir} (when relative) and normalized: no {@code .} or
     * {@code ..} components, no doubled or trailing slash. An empty path stays empty.
     */
    public static String resolve(String dir, String path) {
        if (path.isEmpty()) {
            return path;
        }
        String full = path.charAt(0) == '/' || dir.isEmpty() ? path : dir + "/" + path;
        return normalize(full);
    }

    static String normalize(String p) {
        if (p.charAt(0) != '/') {
            return p;
        }
        String[] parts = p.split("/");
        String[] out = new String[parts.length];
        int n = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (n > 0) {
                    n--;
                }
                continue;
            }
            out[n++] = part;
        }
        if (n == 0) {
            return "/";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append('/').append(out[i]);
        }
        return sb.toString();
    }
}
