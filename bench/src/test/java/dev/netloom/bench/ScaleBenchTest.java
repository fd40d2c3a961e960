package dev.netloom.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ScaleBenchTest {

    @Test
    void grid_isTheMostNearlySquareOne_soTheCornersStayWithinPingsTtl() {
        assertThat(ScaleBench.grid(8)).containsExactly(2, 4);
        assertThat(ScaleBench.grid(16)).containsExactly(4, 4);
        assertThat(ScaleBench.grid(128)).containsExactly(8, 16);
        assertThat(ScaleBench.grid(200)).containsExactly(10, 20);
        assertThat(ScaleBench.grid(256)).containsExactly(16, 16);
        assertThat(ScaleBench.grid(13)).containsExactly(1, 13);
        for (int n : ScaleBench.SIZES) {
            int[] g = ScaleBench.grid(n);
            assertThat(g[0] * g[1]).isEqualTo(n);
            assertThat(g[0] + g[1] - 2).as("hops between the corners of %d nodes", n).isLessThan(64);
        }
    }
}
