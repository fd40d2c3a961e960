package dev.netloom.lab;

/**
 * One measured number of a check, with its unit: {@code delay 20.4 ms}, {@code loss 9.5 %},
 * {@code rate 4.96 Mbit/s}. Names are stable across runs, so that repeated runs can be summarised.
 */
public record Figure(String name, double value, String unit) {
}
