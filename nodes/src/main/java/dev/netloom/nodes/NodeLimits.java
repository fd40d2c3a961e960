package dev.netloom.nodes;

/**
 * How much a node may leave in netloom's memory and on disk: the output one exec returns, and the
 * size at which the console transcript (in /run, which is RAM) is rotated. Defaults come from the
 * system properties {@value #EXEC_OUTPUT_CAP_PROPERTY} and {@value #TRANSCRIPT_CAP_PROPERTY} (bytes;
 * for tests), else {@link #DEFAULT_EXEC_OUTPUT_CAP} and {@link #DEFAULT_TRANSCRIPT_CAP}.
 *
 * @param execOutputCap bytes of output an exec returns at most; the rest is read and dropped
 * @param transcriptCap bytes at which console.log becomes console.log.1 and a new one starts
 */
public record NodeLimits(long execOutputCap, long transcriptCap) {

    public static final long DEFAULT_EXEC_OUTPUT_CAP = 16L << 20;
    public static final long DEFAULT_TRANSCRIPT_CAP = 4L << 20;
    public static final String EXEC_OUTPUT_CAP_PROPERTY = "netloom.execOutputCap";
    public static final String TRANSCRIPT_CAP_PROPERTY = "netloom.transcriptCap";
    /** An exec's output is held in one array, and a String of it is made: stay well below 2 GiB. */
    public static final long MAX_EXEC_OUTPUT_CAP = 512L << 20;

    public NodeLimits {
        checkExecOutputCap(execOutputCap);
        if (transcriptCap < 4096) {
            throw new BadInputException("the console transcript cap must be at least 4096 bytes (got " + transcriptCap + ")");
        }
    }

    /** The defaults, or the system properties' values where set. */
    public static NodeLimits defaults() {
        return new NodeLimits(Long.getLong(EXEC_OUTPUT_CAP_PROPERTY, DEFAULT_EXEC_OUTPUT_CAP),
                Long.getLong(TRANSCRIPT_CAP_PROPERTY, DEFAULT_TRANSCRIPT_CAP));
    }

    public static void checkExecOutputCap(long cap) {
        if (cap < 1 || cap > MAX_EXEC_OUTPUT_CAP) {
            throw new BadInputException("the exec output cap must be 1 byte to " + (MAX_EXEC_OUTPUT_CAP >> 20) + " MiB (got " + cap + ")");
        }
    }

    public NodeLimits withExecOutputCap(long cap) {
        return new NodeLimits(cap, transcriptCap);
    }

    public NodeLimits withTranscriptCap(long cap) {
        return new NodeLimits(execOutputCap, cap);
    }
}
