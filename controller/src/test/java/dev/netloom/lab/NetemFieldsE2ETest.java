package dev.netloom.lab;

import dev.netloom.impairment.Impairment;
import dev.netloom.nodes.ExecResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rest of netem on real tiny nodes (guest netem: the host has none): duplicate shows as DUP!
 * replies; a queue limit of 5 packets drops a fragment of a big ping sent as one burst, so it never
 * arrives (tc's drop counter in the guest confirms it), while netem's default queue takes them; corrupt and reorder
 * reach the guest's qdisc.
 */
@Tag("e2e")
class NetemFieldsE2ETest {

    private static final String LAB = """
            { "name": "e2enetem",
              "nodes": ["x", "y"],
              "links": [ {"between": ["x", "y"], "impairment": {"x->y": {"delay": "20ms", "duplicate": "100%"}}} ] }
            """;

    @Test
    void duplicateShowsAsDupReplies_limitDropsABurst_corruptAndReorderReachTheQdisc() {
        try (Lab lab = LabFixture.up(LAB)) {
            assertThat(lab.exec("x", "tc qdisc show dev eth0", Duration.ofSeconds(10)).output())
                    .contains("netem", "delay 20ms", "duplicate 100%");
            ExecResult dup = lab.exec("x", "ping -c 4 y", Duration.ofSeconds(30));
            assertThat(dup.exitCode()).as(dup.output()).isZero();
            assertThat(count(dup.output(), "DUP!")).as(dup.output()).isGreaterThanOrEqualTo(3);

            // a queue of 5 packets: a 20000-byte ping leaves x as 14 fragments at once, the sixth finds the
            // queue full and is dropped (and IP gives up the rest of that datagram), the request never
            // reassembles, and no reply comes; a small ping still passes
            lab.setImpairment("x-y", "x->y", new Impairment(null, null, null, null, 0.0, null, null, 5L));
            assertThat(lab.exec("x", "tc qdisc show dev eth0", Duration.ofSeconds(10)).output()).contains("limit 5 ", "delay 20ms");
            ExecResult small = lab.exec("x", "ping -c 2 y", Duration.ofSeconds(30));
            assertThat(small.exitCode()).as(small.output()).isZero();
            ExecResult big = lab.exec("x", "ping -c 2 -W 2 -s 20000 y", Duration.ofSeconds(30));
            String stats = lab.exec("x", "tc -s qdisc show dev eth0", Duration.ofSeconds(10)).output();
            assertThat(big.exitCode()).as(big.output() + "\n" + stats).isNotZero();
            assertThat(big.output()).contains("0 packets received");
            assertThat(dropped(stats)).as(stats).isGreaterThanOrEqualTo(2);

            // netem's default queue (1000) takes the burst
            lab.setImpairment("x-y", "x->y", new Impairment(null, null, null, null, null, null, null, 1000L));
            ExecResult bigAgain = lab.exec("x", "ping -c 2 -W 2 -s 20000 y", Duration.ofSeconds(30));
            assertThat(bigAgain.exitCode()).as(bigAgain.output()).isZero();

            // the reverse direction is untouched; corrupt and reorder reach y's qdisc as written
            lab.setImpairment("x-y", "y->x", new Impairment(Duration.ofMillis(10), null, null, null, null, 0.5, 25.0, 50L));
            assertThat(lab.exec("y", "tc qdisc show dev eth0", Duration.ofSeconds(10)).output())
                    .contains("limit 50 ", "delay 10ms", "corrupt 0.5%", "reorder 25%");
            assertThatThrownBy(() -> lab.setImpairment("x-y", "y->x", new Impairment(null, null, null, null, null, null, null, 0L)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static int count(String text, String word) {
        return text.split(Pattern.quote(word), -1).length - 1;
    }

    /** The "dropped N" of tc -s's netem line. */
    private static int dropped(String stats) {
        Matcher m = Pattern.compile("dropped (\\d+)").matcher(stats);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }
}
