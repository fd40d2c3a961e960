package dev.netloom.mobility;

import dev.netloom.impairment.Impairment;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The link-quality models at given distances, the seeded walk, and the difference between two moments. */
class LinkModelTest {

    private static final LinkModel.WifiExponential WIFI = LinkModel.WifiExponential.DEFAULT;

    @Test
    void range_connectsUpToTheRangeInclusive_withoutImpairment() {
        LinkModel.Range r = new LinkModel.Range(30);
        assertThat(r.quality(0)).isEqualTo(LinkModel.Quality.UP);
        assertThat(r.quality(30)).isEqualTo(LinkModel.Quality.UP);
        assertThat(r.quality(30.01)).isEqualTo(LinkModel.Quality.DOWN);
    }

    @Test
    void wifi_below4m_isFullBandwidth_1msDelay_100usJitter() {
        Impairment i = WIFI.quality(3.99).impairment();
        assertThat(i.rateBps()).isEqualTo(54_000_000L);
        assertThat(i.delay()).isEqualTo(Duration.ofMillis(1));
        assertThat(i.jitter()).isEqualTo(Duration.ofNanos(100_000));
    }

    @Test
    void wifi_halvesBandwidthAndDoublesDelayEvery4m() {
        Impairment at10 = WIFI.quality(10).impairment(); // k = 2
        assertThat(at10.rateBps()).isEqualTo(13_500_000L);
        assertThat(at10.delay()).isEqualTo(Duration.ofMillis(4));
        assertThat(at10.jitter()).isEqualTo(Duration.ofNanos(400_000));
        Impairment at20 = WIFI.quality(20).impairment(); // k = 5: 54000/32 = 1687.5 kbit
        assertThat(at20.rateBps()).isEqualTo(1_687_500L);
        assertThat(at20.delay()).isEqualTo(Duration.ofMillis(32));
    }

    @Test
    void wifi_isDownBelow1000kbit_from24m() {
        assertThat(WIFI.quality(23.99).up()).isTrue();
        assertThat(WIFI.quality(24).up()).isFalse(); // k = 6: 843.75 kbit
        assertThat(WIFI.quality(1e6).up()).isFalse();
    }

    @Test
    void walk_isDeterministicForASeed_andStaysInTheArea() {
        Map<String, Position> start = Map.of("a", new Position(5, 5));
        List<Map<String, Position>> one = RandomWalk.walk(7, start, 10, 10, 4, 200);
        List<Map<String, Position>> two = RandomWalk.walk(7, start, 10, 10, 4, 200);
        List<Map<String, Position>> other = RandomWalk.walk(8, start, 10, 10, 4, 200);
        assertThat(one).isEqualTo(two).isNotEqualTo(other).hasSize(200);
        assertThat(one).allSatisfy(m -> assertThat(m.get("a")).satisfies(p -> {
            assertThat(p.x()).isBetween(0.0, 10.0);
            assertThat(p.y()).isBetween(0.0, 10.0);
        }));
        assertThat(one.get(0).get("a").distanceTo(new Position(5, 5))).isCloseTo(4.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void reflect_foldsCoordinatesBackIntoTheArea() {
        assertThat(RandomWalk.reflect(12, 10)).isEqualTo(8);
        assertThat(RandomWalk.reflect(-3, 10)).isEqualTo(3);
        assertThat(RandomWalk.reflect(25, 10)).isEqualTo(5);
    }

    @Test
    void qualities_fromDistances_orFromAStepsPairs_andDiffKeepsOnlyChanges() {
        List<World.Pair> pairs = List.of(new World.Pair("a-b", "a", "b"), new World.Pair("a-c", "a", "c"), new World.Pair("b-c", "b", "c"));
        Map<String, Position> pos = Map.of("a", new Position(0, 0), "b", new Position(20, 0), "c", new Position(50, 0));
        LinkModel range = new LinkModel.Range(30);
        Map<String, LinkModel.Quality> byDistance = World.qualities(range, pairs, pos, null);
        assertThat(byDistance).containsEntry("a-b", LinkModel.Quality.UP).containsEntry("a-c", LinkModel.Quality.DOWN)
                .containsEntry("b-c", LinkModel.Quality.UP);
        Map<String, LinkModel.Quality> step = World.qualities(new LinkModel.Topology(), pairs, Map.of(), Set.of("a|c", "c|a"));
        assertThat(step).containsEntry("a-c", LinkModel.Quality.UP).containsEntry("a-b", LinkModel.Quality.DOWN);
        assertThat(World.diff(byDistance, step)).containsOnlyKeys("a-b", "a-c", "b-c");
        Map<String, LinkModel.Quality> moved = World.qualities(range, pairs, Map.of("a", new Position(0, 0), "b", new Position(20, 0),
                "c", new Position(25, 0)), null);
        assertThat(World.diff(byDistance, moved)).containsOnlyKeys("a-c");
    }
}
