package dev.netloom.bench;

/**
 * One row of the report: a quantity measured for netloom (or the tiny image) and the same quantity
 * for a baseline measured in the same run, with the target it is held to.
 *
 * @param bench    the benchmark's name
 * @param what     what was measured, for a person
 * @param unit     the unit of both sample sets
 * @param measured the subject's samples
 * @param baseline the baseline's samples
 * @param target   the target, or null when the figure is for information
 * @param tail     true when the 99th percentile matters more than the range (many cheap repetitions)
 */
record Figure(String bench, String what, String unit, Samples measured, Samples baseline, Target target, boolean tail) {

    /** Subject median over baseline median. */
    double ratio() {
        return measured.median() / baseline.median();
    }

    /** Subject median minus baseline median, in the unit. */
    double aboveBaseline() {
        return measured.median() - baseline.median();
    }

    Boolean met() {
        return target == null ? null : target.met(this);
    }
}
