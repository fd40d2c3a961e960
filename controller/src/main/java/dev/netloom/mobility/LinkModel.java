package dev.netloom.mobility;

import dev.netloom.impairment.Impairment;
import java.time.Duration;

/**
 * How the distance between two nodes decides whether their link passes traffic and with what
 * impairment (MiniWorld's link-quality models). Pure: the same distance gives the same quality.
 */
public sealed interface LinkModel permits LinkModel.Range, LinkModel.WifiExponential, LinkModel.Topology {

    /** The link's state and impairment at {@code metres} apart. */
    Quality quality(double metres);

    /** The model's "kind" in scenario files. */
    String kind();

    /** Up or down, and the impairment while up ({@link Impairment#NONE} for none). */
    record Quality(boolean up, Impairment impairment) {
        public static final Quality DOWN = new Quality(false, Impairment.NONE);
        public static final Quality UP = new Quality(true, Impairment.NONE);
    }

    /** Connected below {@code metres} (inclusive), with no impairment: MiniWorld's LinkQualityModelRange. */
    record Range(double metres) implements LinkModel {
        public static final double DEFAULT = 30;

        @Override
        public Quality quality(double d) {
            return d <= metres ? Quality.UP : Quality.DOWN;
        }

        @Override
        public String kind() {
            return "range";
        }
    }

    /**
     * MiniWorld's LinkQualityModelWiFi: with k = floor(d / stepMetres), bandwidth maxKbit / 2^k kbit/s,
     * delay 2^k ms, jitter {@code jitterFraction} of the delay; down when the bandwidth is below minKbit.
     */
    record WifiExponential(long maxKbit, double stepMetres, long minKbit, double jitterFraction) implements LinkModel {
        public static final WifiExponential DEFAULT = new WifiExponential(54000, 4, 1000, 0.1);

        @Override
        public Quality quality(double d) {
            int k = (int) Math.min(62, Math.floor(d / stepMetres));
            double kbit = maxKbit / Math.pow(2, k);
            if (kbit < minKbit) {
                return Quality.DOWN;
            }
            long delayMicros = 1000L << k;
            Duration delay = Duration.ofNanos(delayMicros * 1000);
            Duration jitter = Duration.ofNanos(Math.round(delayMicros * jitterFraction) * 1000);
            Impairment imp = new Impairment(delay, jitter.isZero() ? null : jitter, null, Math.round(kbit * 1000), null, null, null);
            return new Quality(true, imp);
        }

        @Override
        public String kind() {
            return "wifi-exponential";
        }
    }

    /** No distances: a link is up when the current topology step lists it (CORE topologies, as MiniWorld's core mode). */
    record Topology() implements LinkModel {
        @Override
        public Quality quality(double d) {
            return Quality.UP;
        }

        @Override
        public String kind() {
            return "topology";
        }
    }
}
