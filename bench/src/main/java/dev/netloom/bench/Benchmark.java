package dev.netloom.bench;

import java.util.List;

/** One whole-system benchmark: it measures netloom and its baseline in the same run and returns the figures. */
interface Benchmark {

    /** The name on the command line and in the report. */
    String name();

    /** One line for --help and the docs. */
    String description();

    /** Runs the benchmark; every process and file it makes is gone when it returns or throws. */
    List<Figure> run(BenchContext context) throws Exception;
}
