// SPDX-License-Identifier: Apache-2.0
package sysql.capture.scap;

/**
 * Block type numbers of the sysdig capture format (falcosecurity/libs {@code scap_savefile.h}), grouped by what
 * the block holds, with the "_INT" numbers used before libscap's first release. Every block is
 * {@code u32 type, u32 total length, body, padding to 4, u32 total length}, little endian.
 */
public final class ScapBlocks {
    /** Section header block: byte-order magic, version, section length, options. */
    public static final int SHB = 0x0A0D0D0A;
    /** The section header's byte-order magic as read on a little-endian file. */
    public static final int SHB_MAGIC = 0x1A2B3C4D;
    /** The only major version of the format. */
    public static final int MAJOR_VERSION = 1;

    public static final int MI = 0x201;
    public static final int MI_INT = 0x8002ABCD;

    public static final int PL_V1 = 0x202;
    public static final int PL_V1_INT = 0x8000ABCD;
    public static final int PL_V2 = 0x207;
    public static final int PL_V2_INT = 0x8013ABCD;
    public static final int PL_V3 = 0x209;
    public static final int PL_V3_INT = 0x8014ABCD;
    public static final int PL_V4 = 0x210;
    public static final int PL_V5 = 0x211;
    public static final int PL_V6 = 0x212;
    public static final int PL_V7 = 0x213;
    public static final int PL_V8 = 0x214;
    public static final int PL_V9 = 0x215;

    public static final int FDL = 0x203;
    public static final int FDL_INT = 0x8001ABCD;
    public static final int FDL_V2 = 0x218;

    /** Event block with the old 22-byte event header (no nparams). */
    public static final int EV = 0x204;

    public static final int EV_INT = 0x8010ABCD;
    /** Event block with the 26-byte event header. */
    public static final int EV_V2 = 0x216;
    /** Like {@link #EV_V2}, for events larger than 64 KiB. */
    public static final int EV_V2_LARGE = 0x221;

    public static final int IL = 0x205;
    public static final int IL_INT = 0x8011ABCD;
    public static final int IL_V2 = 0x219;

    public static final int UL = 0x206;
    public static final int UL_INT = 0x8012ABCD;
    public static final int UL_V2 = 0x220;

    /** Event blocks with a u32 flags field between the cpu and the event (old header, new header, large). */
    public static final int EVF = 0x208;

    public static final int EVF_V2 = 0x217;
    public static final int EVF_V2_LARGE = 0x222;

    private ScapBlocks() {}

    /** Version of a process list block type (1..9), or 0 if it is not one. */
    public static int processListVersion(int type) {
        return switch (type) {
            case PL_V1, PL_V1_INT -> 1;
            case PL_V2, PL_V2_INT -> 2;
            case PL_V3, PL_V3_INT -> 3;
            case PL_V4 -> 4;
            case PL_V5 -> 5;
            case PL_V6 -> 6;
            case PL_V7 -> 7;
            case PL_V8 -> 8;
            case PL_V9 -> 9;
            default -> 0;
        };
    }

    public static boolean isEvent(int type) {
        return switch (type) {
            case EV, EV_INT, EV_V2, EV_V2_LARGE, EVF, EVF_V2, EVF_V2_LARGE -> true;
            default -> false;
        };
    }

    /** True for event blocks whose events have the old 22-byte header. */
    public static boolean hasOldEventHeader(int type) {
        return type == EV || type == EV_INT || type == EVF;
    }

    /** True for event blocks with a u32 flags field after the cpu. */
    public static boolean hasEventFlags(int type) {
        return type == EVF || type == EVF_V2 || type == EVF_V2_LARGE;
    }

    /** What a block of this type holds, for messages. */
    public static String describe(int type) {
        if (isEvent(type)) {
            return "event block";
        }
        if (processListVersion(type) != 0) {
            return "process list block";
        }
        return switch (type) {
            case SHB -> "section header block";
            case MI, MI_INT -> "machine info block";
            case FDL, FDL_INT, FDL_V2 -> "fd list block";
            case IL, IL_INT, IL_V2 -> "interface list block";
            case UL, UL_INT, UL_V2 -> "user list block";
            default -> String.format("block of unknown type 0x%x", type);
        };
    }
}
