package dev.netloom.scenario;

import dev.netloom.nodes.Units;

/**
 * The range of a node's memory in a scenario. Sizes and durations follow the one grammar of
 * {@link Units}; the units of impairments are {@link dev.netloom.impairment.TcUnits}. Parsers throw
 * {@link IllegalArgumentException} whose message is "problem; fix", ready to be prefixed with a
 * location by the loader.
 */
public final class Quantities {

    /** Smallest and largest memory a node may ask for, in MiB. */
    public static final int MIN_MEMORY_MIB = 16;
    public static final int MAX_MEMORY_MIB = 1024 * 1024;

    private Quantities() {
    }

    /** Memory in MiB, in the grammar of {@link Units#mebibytes} ("96M", "512MiB", "1G", "1.5GiB", a bare number of MiB), within range. */
    public static int memoryMiB(String text) {
        long mib = Units.mebibytes(text);
        if (mib < MIN_MEMORY_MIB || mib > MAX_MEMORY_MIB) {
            throw new IllegalArgumentException("memory size \"" + text + "\" is out of range; use " + MIN_MEMORY_MIB + "M to "
                    + (MAX_MEMORY_MIB / 1024) + "G");
        }
        return (int) mib;
    }
}
