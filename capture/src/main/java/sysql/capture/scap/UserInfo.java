// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

/** A user of the capturing machine (libscap {@code scap_userinfo}). */
public record UserInfo(int uid, int gid, String name, String homedir, String shell) {}
