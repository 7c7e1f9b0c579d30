// SPDX-License-Identifier: Apache-2.0
package sysql.capture.state;

import it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * User and group names by id: from /etc/passwd and /etc/group for live capture, or from a capture file's user
 * list. An id nobody named gives null (sysdig's {@code <NA>}).
 */
public final class Users {
    /** A user as /etc/passwd or a capture file describes it. */
    public record User(int uid, int gid, String name, String home, String shell) {}

    private final Int2ObjectOpenHashMap<User> users = new Int2ObjectOpenHashMap<>();
    private final Int2ObjectOpenHashMap<String> groups = new Int2ObjectOpenHashMap<>();

    public void addUser(User u) {
        users.put(u.uid(), u);
    }

    public void addGroup(int gid, String name) {
        groups.put(gid, name);
    }

    public void removeUser(int uid) {
        users.remove(uid);
    }

    public void removeGroup(int gid) {
        groups.remove(gid);
    }

    public User user(int uid) {
        return users.get(uid);
    }

    public String groupName(int gid) {
        return groups.get(gid);
    }

    public int userCount() {
        return users.size();
    }

    /** Every user, in no particular order. */
    public java.util.Collection<User> users() {
        return java.util.Collections.unmodifiableCollection(users.values());
    }

    /** Every group id with its name. */
    public java.util.Map<Integer, String> groups() {
        return java.util.Collections.unmodifiableMap(groups);
    }

    /** A copy of the tables, for a reader that must not see later changes (or make its own). */
    public Users copy() {
        Users c = new Users();
        c.users.putAll(users);
        c.groups.putAll(groups);
        return c;
    }

    /** Users and groups of this host (/etc/passwd, /etc/group); unreadable files leave the tables empty. */
    public static Users fromEtc(Path etc) {
        Users u = new Users();
        try {
            for (String line : Files.readAllLines(etc.resolve("passwd"))) {
                String[] f = line.split(":", -1);
                if (f.length >= 7 && !line.startsWith("#")) {
                    u.addUser(new User(Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[0], f[5], f[6]));
                }
            }
        } catch (IOException | RuntimeException e) {
            // no users known
        }
        try {
            for (String line : Files.readAllLines(etc.resolve("group"))) {
                String[] f = line.split(":", -1);
                if (f.length >= 3 && !line.startsWith("#")) {
                    u.addGroup(Integer.parseInt(f[2]), f[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no groups known
        }
        return u;
    }
}
