package dev.netloom.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void parse_readsAddressAndPrefix() {
        Cidr c = Cidr.parse("10.9.0.1/24");

        assertThat(c.ip()).isEqualTo("10.9.0.1");
        assertThat(c.prefix()).isEqualTo(24);
        assertThat(c.subnet()).hasToString("10.9.0.0/24");
        assertThat(Cidr.ip(c.broadcast())).isEqualTo("10.9.0.255");
        assertThat(c.host(7)).hasToString("10.9.0.7/24");
    }

    @Test
    void parse_rejectsWhatIsNotIpv4Cidr() {
        assertThatThrownBy(() -> Cidr.parse("10.9.0.1")).hasMessageContaining("not an IPv4 address with a prefix length");
        assertThatThrownBy(() -> Cidr.parse("10.9.0.256/24")).hasMessageContaining("invalid octet \"256\"");
        assertThatThrownBy(() -> Cidr.parse("10.09.0.1/24")).hasMessageContaining("no leading zeros");
        assertThatThrownBy(() -> Cidr.parseAddress("10.0.0.2; reboot")).hasMessageContaining("not an IPv4 address");
        assertThatThrownBy(() -> Cidr.parse("10.9.0.1/33")).hasMessageContaining("prefix length above 32");
        assertThatThrownBy(() -> Cidr.parse("fd00::1/64")).hasMessageContaining("not an IPv4 address");
    }

    @Test
    void networkAndBroadcast_areNotHostsBelowSlash31() {
        assertThat(Cidr.parse("10.0.0.0/24").isNetworkOrBroadcast()).isTrue();
        assertThat(Cidr.parse("10.0.0.255/24").isNetworkOrBroadcast()).isTrue();
        assertThat(Cidr.parse("10.0.0.1/24").isNetworkOrBroadcast()).isFalse();
        assertThat(Cidr.parse("10.0.0.0/31").isNetworkOrBroadcast()).isFalse();
    }

    @Test
    void overlaps_comparesRanges() {
        assertThat(Cidr.parse("10.0.0.0/16").overlaps(Cidr.parse("10.0.5.0/24"))).isTrue();
        assertThat(Cidr.parse("10.0.0.0/24").overlaps(Cidr.parse("10.0.1.0/24"))).isFalse();
    }
}
