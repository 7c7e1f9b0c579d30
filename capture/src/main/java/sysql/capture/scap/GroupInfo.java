// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

/** A group of the capturing machine (libscap {@code scap_groupinfo}). */
public record GroupInfo(int gid, String name) {}
