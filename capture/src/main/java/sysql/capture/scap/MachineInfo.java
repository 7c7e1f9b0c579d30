// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

/**
 * The capturing machine (libscap {@code scap_machine_info}): CPU count, physical memory, highest pid, host name,
 * boot time (ns since the epoch; 0 in files written before libscap recorded it), flags, and the two fields
 * still reserved.
 */
public record MachineInfo(
        int numCpus,
        long memorySizeBytes,
        long maxPid,
        String hostname,
        long bootTsEpoch,
        long flags,
        long reserved3,
        long reserved4) {}
