// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

/**
 * The section header block that opens a capture file (libscap {@code section_header_block}): format version and
 * the section length (-1 when the writer did not know it). Options after the fixed part are skipped.
 */
public record SectionHeader(int majorVersion, int minorVersion, long sectionLength, int optionBytes) {}
