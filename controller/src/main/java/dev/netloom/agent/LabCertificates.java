package dev.netloom.agent;

import dev.netloom.api.OwnerOnlyFiles;
import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.NetloomException;
import dev.netloom.partition.HostSpec;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The certificates of a lab spread over hosts (docs/scale-out.md): a CA made for them alone, a
 * certificate for the coordinator (a TLS client, named {@link #COORDINATOR}) and one per agent (a TLS
 * server, named after its host), each with its own P-256 key. Made in Java (BouncyCastle's builder,
 * the JDK's keys and signatures), never by a host program. The CA's key signs them and is then
 * forgotten: nothing can be added to a set, a new set replaces it.
 */
public final class LabCertificates {

    /** The coordinator's name in its certificate; host names ({@link HostSpec#NAME}) are at most 8 characters, so it is no host's. */
    public static final String COORDINATOR = "netloom-coordinator";
    public static final String CA_FILE = "ca.crt";
    /** How long certificates hold: a lab's life, with room. */
    static final Duration VALIDITY = Duration.ofDays(825);

    private static final SecureRandom RANDOM = new SecureRandom();

    private LabCertificates() {
    }

    /** The certificate file of {@code who} (a host name or {@link #COORDINATOR}) in a set's directory. */
    public static String certFile(String who) {
        return (who.equals(COORDINATOR) ? "coordinator" : "agent-" + who) + ".crt";
    }

    /** The key file (PKCS#8 PEM, mode 0600) that goes with {@link #certFile}. */
    public static String keyFile(String who) {
        return (who.equals(COORDINATOR) ? "coordinator" : "agent-" + who) + ".key";
    }

    /**
     * A fresh set for {@code hosts}: file name to PEM text ({@link #CA_FILE}, then the coordinator's
     * and each host's certificate and key).
     */
    public static Map<String, String> create(List<String> hosts) {
        if (hosts.isEmpty()) {
            throw new BadInputException("give at least one host to make certificates for (--hosts a,b)");
        }
        for (String h : hosts) {
            if (!HostSpec.NAME.matcher(h).matches()) {
                throw new BadInputException("bad host name '" + h + "': write 1-8 lowercase letters and digits, starting with a letter");
            }
        }
        try {
            KeyPair ca = keyPair();
            X500Name caName = new X500Name("CN=netloom lab CA " + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE));
            X509Certificate caCert = sign(caName, ca, caName, ca.getPublic(), ca, null, true);
            Map<String, String> files = new LinkedHashMap<>();
            files.put(CA_FILE, pem("CERTIFICATE", caCert.getEncoded()));
            leaf(files, COORDINATOR, KeyPurposeId.id_kp_clientAuth, caName, caCert, ca);
            for (String h : hosts) {
                leaf(files, h, KeyPurposeId.id_kp_serverAuth, caName, caCert, ca);
            }
            return files;
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new NetloomException("cannot make the lab's certificates: " + e.getMessage(), e);
        }
    }

    /** Writes a fresh set for {@code hosts} into {@code dir} (made mode 0700 when missing); keys are mode 0600. Returns the files written. */
    public static List<Path> write(Path dir, List<String> hosts) {
        Map<String, String> files = create(hosts);
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException e) {
            throw new BadInputException("cannot make " + dir + ": " + e.getMessage(), e);
        }
        for (String f : files.keySet()) {
            if (Files.exists(dir.resolve(f))) {
                throw new BadInputException(dir.resolve(f) + " exists: give an empty directory (a new set replaces the old one whole)");
            }
        }
        files.forEach((name, text) -> OwnerOnlyFiles.writeSecret(dir.resolve(name), text));
        return files.keySet().stream().map(dir::resolve).toList();
    }

    private static void leaf(Map<String, String> files, String who, KeyPurposeId purpose, X500Name caName, X509Certificate caCert, KeyPair ca)
            throws GeneralSecurityException, OperatorCreationException, CertIOException {
        KeyPair key = keyPair();
        X509Certificate cert = sign(new X500Name("CN=" + who), key, caName, caCert.getPublicKey(), ca, purpose, false);
        files.put(certFile(who), pem("CERTIFICATE", cert.getEncoded()));
        files.put(keyFile(who), pem("PRIVATE KEY", key.getPrivate().getEncoded()));
    }

    private static X509Certificate sign(X500Name subject, KeyPair subjectKey, X500Name issuer, java.security.PublicKey issuerKey, KeyPair signer,
                                        KeyPurposeId purpose, boolean isCa)
            throws GeneralSecurityException, OperatorCreationException, CertIOException {
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, subjectKey.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey.getPublic()));
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerKey));
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (isCa) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            String cn = subject.toString().substring("CN=".length());
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, cn)));
        }
        PrivateKey signing = signer.getPrivate();
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signing)));
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    /** PEM: the base64 of {@code der} in lines of 64 between BEGIN and END lines. */
    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
