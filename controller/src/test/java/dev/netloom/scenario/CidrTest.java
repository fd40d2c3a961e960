package dev.netloom.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void parse_readsAddressAndPrefix() {
        Cidr c = Cidr.parse("10.9.0.1/24");

        assertThat(c.ip()).isEqualTo("10.9.0.1");
        assertThat(c.prefix()).isEqualTo(24);
        assertThat(c.family()).isEqualTo(Cidr.Family.IPV4);
        assertThat(c.subnet()).hasToString("10.9.0.0/24");
        assertThat(Cidr.ip(c.last())).isEqualTo("10.9.0.255");
        assertThat(c.host(7)).hasToString("10.9.0.7/24");
        assertThat(c.size()).isEqualTo(BigInteger.valueOf(256));
    }

    @Test
    void parse_readsIpv6_andWritesItTheRfc5952Way() {
        Cidr c = Cidr.parse("FD00:0001:0:0:0:0:0:0A/64");

        assertThat(c).hasToString("fd00:1::a/64");
        assertThat(c.family()).isEqualTo(Cidr.Family.IPV6);
        assertThat(c.subnet()).hasToString("fd00:1::/64");
        assertThat(c.subnet().host(2)).hasToString("fd00:1::2/64");
        assertThat(Cidr.parse("fd00:0:0:1::2/64")).hasToString("fd00:0:0:1::2/64");
        assertThat(Cidr.parse("fd00:1::/48").next().orElseThrow()).hasToString("fd00:1:1::/48");
        assertThat(Cidr.parse("fd00:1::/48").alignedUp(64).orElseThrow()).hasToString("fd00:1::/64");
        assertThat(Cidr.parse("::/8")).hasToString("::/8");
        assertThat(Cidr.parse("1:2:3:4:5:6:7:8/128").ip()).isEqualTo("1:2:3:4:5:6:7:8");
    }

    @Test
    void parse_rejectsWhatIsNotIpv4Cidr() {
        assertThatThrownBy(() -> Cidr.parse("10.9.0.1")).hasMessageContaining("not an IPv4 address with a prefix length");
        assertThatThrownBy(() -> Cidr.parse("10.9.0.256/24")).hasMessageContaining("invalid octet \"256\"");
        assertThatThrownBy(() -> Cidr.parse("10.09.0.1/24")).hasMessageContaining("no leading zeros");
        assertThatThrownBy(() -> Cidr.parseAddress("10.0.0.2; reboot")).hasMessageContaining("not an IPv4 address");
        assertThatThrownBy(() -> Cidr.parse("10.9.0.1/33")).hasMessageContaining("prefix length above 32");
        assertThatThrownBy(() -> Cidr.parse("fd00::1/64", Cidr.Family.IPV4)).hasMessageContaining("not an IPv4 address");
    }

    /** What the library alone would read leniently: octal and short forms, zones, embedded IPv4, and more. */
    @Test
    void parse_isStricterThanTheLibrary() {
        assertThatThrownBy(() -> Cidr.parse("010.1.1.1/24")).hasMessageContaining("invalid octet \"010\"");
        assertThatThrownBy(() -> Cidr.parse("1.2.3/24")).hasMessageContaining("not an IPv4 address with a prefix length");
        assertThatThrownBy(() -> Cidr.parse("10.1.1.1/024")).hasMessageContaining("leading zero");
        assertThatThrownBy(() -> Cidr.parse("0x0a.1.1.1/24")).hasMessageContaining("not an IPv4 address");
        assertThatThrownBy(() -> Cidr.parse("fe80::1%eth0/64")).hasMessage(
                "\"fe80::1%eth0/64\" has a zone (%eth0); netloom gives interfaces global addresses: leave the zone out;"
                        + " write it like \"fd00:1::1/64\"");
        assertThatThrownBy(() -> Cidr.parse("::ffff:1.2.3.4/96")).hasMessageContaining("embeds an IPv4 address");
        assertThatThrownBy(() -> Cidr.parse("fd00::1::2/64")).hasMessageContaining("\"::\" more than once");
        assertThatThrownBy(() -> Cidr.parse("fd00:12345::1/64")).hasMessageContaining("invalid group \"12345\"");
        assertThatThrownBy(() -> Cidr.parse("fd00:1:2:3:4:5:6/64")).hasMessageContaining("has 7 groups");
        assertThatThrownBy(() -> Cidr.parse("fd00:1:2:3:4:5:6:7:8/64")).hasMessageContaining("has 9 groups");
        assertThatThrownBy(() -> Cidr.parse("1:2:3:4:5:6:7::8/64")).hasMessageContaining("has 8 groups");
        assertThatThrownBy(() -> Cidr.parse(":1::2/64")).hasMessageContaining("invalid group \"\"");
        assertThatThrownBy(() -> Cidr.parse("fd00:g::1/64")).hasMessageContaining("invalid group \"g\"");
        assertThatThrownBy(() -> Cidr.parse("fd00::1/129")).hasMessageContaining("prefix length above 128");
        assertThatThrownBy(() -> Cidr.parse("fd00::1")).hasMessageContaining("not an IPv6 address with a prefix length");
        assertThatThrownBy(() -> Cidr.parseAddress("fd00::1; reboot")).hasMessageContaining("not an IPv6 address");
        assertThat(Cidr.isAddress("fd00::1")).isTrue();
        assertThat(Cidr.isAddress("::")).isTrue();
        assertThat(Cidr.isAddress("fd00::")).isTrue();
    }

    @Test
    void networkAndBroadcast_areNotHostsBelowSlash31() {
        assertThat(Cidr.parse("10.0.0.0/24").isNetworkOrBroadcast()).isTrue();
        assertThat(Cidr.parse("10.0.0.255/24").isNetworkOrBroadcast()).isTrue();
        assertThat(Cidr.parse("10.0.0.1/24").isNetworkOrBroadcast()).isFalse();
        assertThat(Cidr.parse("10.0.0.0/31").isNetworkOrBroadcast()).isFalse();
        assertThat(Cidr.parse("10.0.0.0/24").hostCount()).isEqualTo(BigInteger.valueOf(254));
        assertThat(Cidr.parse("10.0.0.0/31").hostCount()).isEqualTo(BigInteger.TWO);
    }

    @Test
    void ipv6_subnetRouterAnycast_isNotAHostBelowSlash127() {
        assertThat(Cidr.parse("fd00:1::/64").reservedHost()).contains("subnet-router anycast");
        assertThat(Cidr.parse("fd00:1::ffff:ffff:ffff:ffff/64").reservedHost()).isEmpty(); // no broadcast in IPv6
        assertThat(Cidr.parse("fd00:1::/127").reservedHost()).isEmpty();
        assertThat(Cidr.parse("fd00:1::/126").hostCount()).isEqualTo(BigInteger.valueOf(3));
        assertThat(Cidr.parse("fd00:1::/64").firstHost()).isEqualTo(1);
    }

    @Test
    void overlaps_comparesRanges_ofOneFamily() {
        assertThat(Cidr.parse("10.0.0.0/16").overlaps(Cidr.parse("10.0.5.0/24"))).isTrue();
        assertThat(Cidr.parse("10.0.0.0/24").overlaps(Cidr.parse("10.0.1.0/24"))).isFalse();
        assertThat(Cidr.parse("fd00::/8").overlaps(Cidr.parse("fd00:1::/64"))).isTrue();
        assertThat(Cidr.parse("fd00:1::/64").overlaps(Cidr.parse("fd00:2::/64"))).isFalse();
        assertThat(Cidr.parse("::/0").overlaps(Cidr.parse("10.0.0.0/8"))).isFalse();
        assertThat(Cidr.parse("fd00::/8").contains(Cidr.parse("fd00:1::/64"))).isTrue();
    }

    @Test
    void next_endsAtTheTopOfTheAddressSpace() {
        assertThat(Cidr.parse("255.255.255.0/24").next()).isEmpty();
        assertThat(Cidr.parse("10.0.0.4/30").next().orElseThrow()).hasToString("10.0.0.8/30");
        assertThat(Cidr.parse("10.0.0.4/30").alignedUp(24).orElseThrow()).hasToString("10.0.1.0/24");
        assertThat(Cidr.parse("ffff:ffff:ffff:ffff::/64").next()).isEmpty();
    }
}
