package dev.netloom.lab;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The statistics of checks and repeated runs: medians and spreads, and confidence intervals for proportions. */
public final class Stats {

    /** The normal quantile of a two-sided 95% interval. */
    public static final double Z95 = 1.959964;

    private Stats() {
    }

    /** A closed interval of proportions, both ends in [0, 1]. */
    public record Interval(double low, double high) {
    }

    /** Median, minimum and maximum of {@code n} values. */
    public record Summary(int n, double median, double min, double max) {
    }

    /**
     * The 95% Wilson score interval of a proportion: {@code successes} of {@code trials}. Unlike the
     * normal approximation it stays inside [0, 1] and is not empty at 0 or n successes, which is what
     * a loss measurement of a few hundred pings often sees.
     */
    public static Interval wilson(int successes, int trials) {
        if (trials <= 0 || successes < 0 || successes > trials) {
            throw new IllegalArgumentException(successes + " successes of " + trials + " trials");
        }
        double z = Z95;
        double n = trials;
        double p = successes / n;
        double denominator = 1 + z * z / n;
        double centre = (p + z * z / (2 * n)) / denominator;
        double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator;
        // at 0 or n successes one end is exactly 0 or 1; the formula gets there only up to rounding
        return new Interval(successes == 0 ? 0 : Math.max(0, centre - half), successes == trials ? 1 : Math.min(1, centre + half));
    }

    /** The median (the mean of the two middle values of an even count). */
    public static double median(List<Double> values) {
        List<Double> sorted = sorted(values);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    public static double mean(List<Double> values) {
        nonEmpty(values);
        return values.stream().mapToDouble(Double::doubleValue).sum() / values.size();
    }

    /** The sample standard deviation; 0 for a single value. */
    public static double stddev(List<Double> values) {
        double mean = mean(values);
        if (values.size() < 2) {
            return 0;
        }
        double squares = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        return Math.sqrt(squares / (values.size() - 1));
    }

    public static Summary summary(List<Double> values) {
        List<Double> sorted = sorted(values);
        return new Summary(sorted.size(), median(sorted), sorted.get(0), sorted.get(sorted.size() - 1));
    }

    private static List<Double> sorted(List<Double> values) {
        nonEmpty(values);
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted;
    }

    private static void nonEmpty(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
    }
}
