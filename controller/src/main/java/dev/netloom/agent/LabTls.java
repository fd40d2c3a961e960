package dev.netloom.agent;

import dev.netloom.nodes.BadInputException;
import dev.netloom.nodes.NetloomException;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * Mutual TLS between a coordinator and its agents (docs/scale-out.md), from a directory of
 * {@link LabCertificates}: each side presents its certificate and accepts only the other role's,
 * signed by the lab's CA and carrying the expected name (an agent accepts only {@link LabCertificates#COORDINATOR};
 * the coordinator accepts, on the connection to host h, only the certificate named h). TLS 1.3, the JDK's provider.
 *
 * @param who   whose key this is: a host name or {@link LabCertificates#COORDINATOR}
 * @param ca    the lab's CA
 * @param cert  this side's certificate
 * @param key   this side's private key
 */
public record LabTls(String who, X509Certificate ca, X509Certificate cert, PrivateKey key) {

    static final String PROTOCOL = "TLSv1.3";

    /** The key and certificates of {@code who} in {@code dir}; every missing or bad file is a BadInputException naming it and the fix. */
    public static LabTls load(Path dir, String who) {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException("--tls-dir " + dir + " is not a directory: make the lab's certificates with `netloom certs create "
                    + dir + " --hosts HOSTS`");
        }
        X509Certificate ca = certificate(dir.resolve(LabCertificates.CA_FILE));
        X509Certificate cert = certificate(dir.resolve(LabCertificates.certFile(who)));
        PrivateKey key = privateKey(dir.resolve(LabCertificates.keyFile(who)));
        try {
            cert.verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new BadInputException(dir.resolve(LabCertificates.certFile(who)) + " is not signed by " + dir.resolve(LabCertificates.CA_FILE)
                    + ": the files come from different sets; make one set with `netloom certs create`", e);
        }
        try {
            cert.checkValidity();
        } catch (CertificateException e) {
            throw new BadInputException(dir.resolve(LabCertificates.certFile(who)) + " is not valid now (" + e.getMessage()
                    + "): make a new set with `netloom certs create`", e);
        }
        if (!names(cert).contains(who)) {
            throw new BadInputException(dir.resolve(LabCertificates.certFile(who)) + " is not " + who + "'s certificate (it names "
                    + names(cert) + ")");
        }
        return new LabTls(who, ca, cert, key);
    }

    /** An agent's server side: a client must present the coordinator's certificate. */
    public SslContext server() {
        try {
            return SslContextBuilder.forServer(key, cert).trustManager(new PeerCheck(trustManager(), LabCertificates.COORDINATOR))
                    .clientAuth(ClientAuth.REQUIRE).sslProvider(SslProvider.JDK).protocols(PROTOCOL).build();
        } catch (IOException e) {
            throw new NetloomException("cannot set up TLS for " + who + ": " + e.getMessage(), e);
        }
    }

    /** The coordinator's client side towards host {@code host}: the server must present the certificate named {@code host}. */
    public SSLContext clientFor(String host) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("me", key, new char[0], new java.security.cert.Certificate[]{cert});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            SSLContext ctx = SSLContext.getInstance(PROTOCOL);
            ctx.init(kmf.getKeyManagers(), new javax.net.ssl.TrustManager[]{new PeerCheck(trustManager(), host)}, null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new NetloomException("cannot set up TLS towards " + host + ": " + e.getMessage(), e);
        }
    }

    /** The JDK's PKIX checks against the lab's CA alone (signature, validity, key usage, extended key usage for the role). */
    private X509ExtendedTrustManager trustManager() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(ks);
            return (X509ExtendedTrustManager) tmf.getTrustManagers()[0];
        } catch (GeneralSecurityException | IOException e) {
            throw new NetloomException("cannot set up TLS with the lab's CA: " + e.getMessage(), e);
        }
    }

    /** The DNS names a certificate carries. */
    static List<String> names(X509Certificate cert) {
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            return sans == null ? List.of() : sans.stream().filter(s -> Integer.valueOf(2).equals(s.get(0))).map(s -> String.valueOf(s.get(1))).toList();
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    /** The CA's checks, then the peer's name: a certificate of the lab for another role or host is refused. */
    static final class PeerCheck extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager pkix;
        private final String expected;

        PeerCheck(X509ExtendedTrustManager pkix, String expected) {
            this.pkix = pkix;
            this.expected = expected;
        }

        private void name(X509Certificate[] chain) throws CertificateException {
            List<String> names = names(chain[0]);
            if (!names.contains(expected)) {
                throw new CertificateException("the peer's certificate names " + names + ", not " + expected);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            pkix.checkClientTrusted(chain, authType, socket);
            name(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            pkix.checkServerTrusted(chain, authType, socket);
            name(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            pkix.checkClientTrusted(chain, authType, engine);
            name(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            pkix.checkServerTrusted(chain, authType, engine);
            name(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            pkix.checkClientTrusted(chain, authType);
            name(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            pkix.checkServerTrusted(chain, authType);
            name(chain);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return pkix.getAcceptedIssuers();
        }
    }

    private static X509Certificate certificate(Path file) {
        byte[] der = pemBody(file, "CERTIFICATE");
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new BadInputException(file + " is not an X.509 certificate (" + e.getMessage() + "): make the set again with `netloom certs create`", e);
        }
    }

    private static PrivateKey privateKey(Path file) {
        try {
            java.util.Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (mode.contains(PosixFilePermission.OTHERS_READ) || mode.contains(PosixFilePermission.GROUP_READ)) {
                throw new BadInputException("key file " + file + " is readable by others: chmod 600 " + file);
            }
        } catch (NoSuchFileException e) {
            throw missing(file, e);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        byte[] der = pemBody(file, "PRIVATE KEY");
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new BadInputException(file + " is not a PKCS#8 EC private key (" + e.getMessage() + "): make the set again with `netloom certs create`", e);
        }
    }

    /** The base64 body of a PEM file's one block of {@code type}. */
    private static byte[] pemBody(Path file, String type) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw missing(file, e);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            throw new BadInputException(file + " has no " + begin + " block: make the set again with `netloom certs create`");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
        } catch (IllegalArgumentException ex) {
            throw new BadInputException(file + ": bad base64 in its " + type + " block", ex);
        }
    }

    private static BadInputException missing(Path file, Exception cause) {
        return new BadInputException(file + " does not exist: make the lab's certificates with `netloom certs create " + file.getParent()
                + " --hosts HOSTS` (docs/scale-out.md)", cause);
    }
}
