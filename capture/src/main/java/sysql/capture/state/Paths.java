// SPDX-License-Identifier: Apache-2.0
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
        if (p.charAt(0) != '/' || isNormal(p)) {
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

    /**
     * True when absolute {@code p} has no empty, {@code .} or {@code ..} component and no trailing slash, so that
     * {@link #normalize} would rebuild it unchanged (the common case: checked without allocating).
     */
    private static boolean isNormal(String p) {
        int n = p.length();
        if (n == 1) {
            return true;
        }
        int start = 1;
        for (int i = 1; i <= n; i++) {
            if (i == n || p.charAt(i) == '/') {
                int len = i - start;
                if (len == 0 || p.charAt(start) == '.' && (len == 1 || len == 2 && p.charAt(start + 1) == '.')) {
                    return false;
                }
                start = i + 1;
            }
        }
        return true;
    }
}
