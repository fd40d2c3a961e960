package dev.netloom.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Repeated measurements of one quantity, in one unit, with the order statistics a report needs. */
record Samples(List<Double> values) {

    Samples {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        values = List.copyOf(sorted);
    }

    static Samples of(double... values) {
        List<Double> list = new ArrayList<>();
        for (double v : values) {
            list.add(v);
        }
        return new Samples(list);
    }

    int n() {
        return values.size();
    }

    double min() {
        return values.get(0);
    }

    double max() {
        return values.get(values.size() - 1);
    }

    double median() {
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }

    /** The nearest-rank percentile: the smallest sample with at least {@code p}% of the samples at or below it. */
    double percentile(double p) {
        int rank = (int) Math.ceil(p / 100.0 * values.size());
        return values.get(Math.max(0, Math.min(values.size() - 1, rank - 1)));
    }
}
