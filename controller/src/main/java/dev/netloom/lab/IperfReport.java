package dev.netloom.lab;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The receiver's line of an iperf3 UDP test, read back from the client's output:
 * {@code [  5]   0.00-3.89   sec  2.24 MBytes  4817 Kbits/sec  1.132 ms  0/1674 (0%)  receiver}.
 *
 * @param bitsPerSecond what the receiver got, in payload bits per second
 * @param lost          datagrams lost on the way
 * @param total         datagrams sent
 */
public record IperfReport(double bitsPerSecond, long lost, long total) {

    private static final Pattern RECEIVER = Pattern.compile(
            "([0-9.]+) ([KMGT]?)bits/sec\\s+[0-9.]+ ms\\s+(\\d+)/(\\d+)\\s+\\([^)]*\\)\\s+receiver");
    private static final Map<String, Double> SCALE = Map.of("", 1.0, "K", 1e3, "M", 1e6, "G", 1e9, "T", 1e12);

    public static Optional<IperfReport> parse(String output) {
        Matcher m = RECEIVER.matcher(output);
        if (!m.find()) {
            return Optional.empty();
        }
        double bps = Double.parseDouble(m.group(1)) * SCALE.get(m.group(2).toUpperCase(Locale.ROOT));
        return Optional.of(new IperfReport(bps, Long.parseLong(m.group(3)), Long.parseLong(m.group(4))));
    }
}
