package dev.netloom.agent;

import dev.netloom.nodes.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The lab's certificates as made and as loaded, and every way a --tls-dir can be wrong (a clear error, nothing started). */
class LabTlsTest {

    @TempDir
    Path dir;

    @Test
    void aSet_hasTheCa_andAPairPerRole_withTheirNamesAndPurposes() throws Exception {
        Map<String, String> set = LabCertificates.create(List.of("a", "b"));
        assertThat(set).containsOnlyKeys("ca.crt", "coordinator.crt", "coordinator.key", "agent-a.crt", "agent-a.key", "agent-b.crt", "agent-b.key");
        X509Certificate ca = parse(set.get("ca.crt"));
        X509Certificate a = parse(set.get("agent-a.crt"));
        X509Certificate c = parse(set.get("coordinator.crt"));
        a.verify(ca.getPublicKey());
        c.verify(ca.getPublicKey());
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(a.getBasicConstraints()).isEqualTo(-1);
        assertThat(LabTls.names(a)).containsExactly("a");
        assertThat(LabTls.names(c)).containsExactly(LabCertificates.COORDINATOR);
        assertThat(a.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1"); // server
        assertThat(c.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2"); // client
    }

    @Test
    void written_ownerOnly_andLoaded() throws Exception {
        LabCertificates.write(dir.resolve("set"), List.of("a"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("set")))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("set/agent-a.key")))).isEqualTo("rw-------");
        LabTls a = LabTls.load(dir.resolve("set"), "a");
        assertThat(LabTls.names(a.cert())).containsExactly("a");
        assertThat(a.server().isServer()).isTrue();
    }

    @Test
    void writingOverASet_isRefused() {
        LabCertificates.write(dir, List.of("a"));
        assertThatThrownBy(() -> LabCertificates.write(dir, List.of("a"))).isInstanceOf(BadInputException.class).hasMessageContaining("exists");
    }

    @Test
    void aBadHostName_isRefused() {
        assertThatThrownBy(() -> LabCertificates.create(List.of("../x"))).isInstanceOf(BadInputException.class).hasMessageContaining("bad host name");
    }

    @Test
    void aMissingDirectory_orFile_saysHowToMakeThem() {
        assertThatThrownBy(() -> LabTls.load(dir.resolve("none"), "a")).isInstanceOf(BadInputException.class).hasMessageContaining("netloom certs create");
        LabCertificates.write(dir.resolve("set"), List.of("a"));
        assertThatThrownBy(() -> LabTls.load(dir.resolve("set"), "b")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("agent-b.crt does not exist").hasMessageContaining("netloom certs create");
    }

    @Test
    void aKeyOthersCanRead_isRefused() throws Exception {
        LabCertificates.write(dir.resolve("set"), List.of("a"));
        Files.setPosixFilePermissions(dir.resolve("set/agent-a.key"), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> LabTls.load(dir.resolve("set"), "a")).isInstanceOf(BadInputException.class).hasMessageContaining("chmod 600");
    }

    @Test
    void filesOfTwoSets_areRefused() throws Exception {
        LabCertificates.write(dir.resolve("one"), List.of("a"));
        LabCertificates.write(dir.resolve("two"), List.of("a"));
        Files.copy(dir.resolve("two/ca.crt"), dir.resolve("one/ca.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> LabTls.load(dir.resolve("one"), "a")).isInstanceOf(BadInputException.class).hasMessageContaining("not signed by");
    }

    @Test
    void aFileThatIsNotPem_isRefused() throws Exception {
        LabCertificates.write(dir.resolve("set"), List.of("a"));
        Files.writeString(dir.resolve("set/agent-a.crt"), "hello");
        assertThatThrownBy(() -> LabTls.load(dir.resolve("set"), "a")).isInstanceOf(BadInputException.class).hasMessageContaining("no -----BEGIN CERTIFICATE-----");
    }

    @Test
    void aSwappedCertificate_isNotTheHosts() throws Exception {
        LabCertificates.write(dir.resolve("set"), List.of("a", "b"));
        Files.copy(dir.resolve("set/agent-b.crt"), dir.resolve("set/agent-a.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> LabTls.load(dir.resolve("set"), "a")).isInstanceOf(BadInputException.class).hasMessageContaining("is not a's certificate");
    }

    private static X509Certificate parse(String pem) throws Exception {
        String body = pem.replaceAll("-----[A-Z ]+-----", "");
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(Base64.getMimeDecoder().decode(body)));
    }
}
