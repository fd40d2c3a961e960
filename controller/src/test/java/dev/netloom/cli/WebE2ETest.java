package dev.netloom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netloom.nodes.host.Proc;
import dev.netloom.nodes.image.ImageStore;
import dev.netloom.nodes.image.TinyImageBuilder;
import dev.netloom.web.Chromium;
import dev.netloom.web.WebProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web view of a real lab in a real browser (Debian's headless Chromium over the DevTools
 * protocol): every node and link is drawn, a command typed into a node's console prints its output,
 * a link taken down in the page stops a ping across it (and up again lets it through), an impairment
 * set in the page reaches the lab, and requests without the token are refused, over plain HTTP and
 * over the WebSocket. Leaves a screenshot in target/web.png (docs/web.png is one).
 */
@Tag("e2e")
class WebE2ETest {

    private static final String LAB = "e2eweb";
    private static final Duration T = Duration.ofSeconds(60);
    private static Path file;

    @BeforeAll
    static void scenario() throws Exception {
        new TinyImageBuilder(ImageStore.fromEnvironment(), System.err::println).build(false);
        file = Files.createTempFile("weblab", ".json");
        // a's only way out is a-b: with a-b down, nothing of a reaches b
        Files.writeString(file, """
                { "name": "e2eweb", "nodes": ["a", "b", "c"],
                  "links": [ {"between": ["a", "b"]} ],
                  "lans": [ {"name": "hall", "members": ["b", "c"]} ] }
                """);
    }

    @AfterAll
    static void cleanUp() throws Exception {
        CliRun.down(LAB);
        Files.deleteIfExists(file);
    }

    private static int ping(String from, String to) {
        CliRun r = CliRun.of("exec", "--lab", LAB, from, "--", "ping", "-c", "1", "-w", "3", to);
        return r.exitCode();
    }

    @Test
    void theBrowserSeesTheLab_typesInAConsole_takesALinkDown_andNobodyGetsInWithoutTheToken() throws Exception {
        assertThat(Proc.onPath("chromium")).as("chromium (Debian's chromium package; `netloom setup` installs it)").isTrue();
        CliRun up = CliRun.of("up", file.toString(), "--web");
        assertThat(up.exitCode()).as(up.err()).isZero();
        Matcher m = Pattern.compile("web: (http://127\\.0\\.0\\.1:[0-9]+/)\\?token=([0-9a-f]{64})").matcher(up.err());
        assertThat(m.find()).as(up.err()).isTrue();
        String base = m.group(1);
        String url = m.group(0).substring("web: ".length());

        // the same URL from status --json and from `netloom web`, which finds the view already serving
        JsonNode status = new ObjectMapper().readTree(CliRun.of("status", LAB, "--json").out());
        assertThat(status.get(0).path("web").asText()).isEqualTo(url);
        CliRun web = CliRun.of("web", LAB);
        assertThat(web.exitCode()).as(web.err()).isZero();
        assertThat(web.out().strip()).isEqualTo(url);

        // without the token: nothing over HTTP, no WebSocket
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        for (String path : List.of("", "app.js", "api")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(401);
        }
        assertThat(WebProbe.upgradeStatus(URI.create(base), null, base.substring(0, base.length() - 1))).isEqualTo(401);

        try (Chromium browser = Chromium.start(T)) {
            browser.open(url, T);
            browser.waitFor("document.body.dataset.ready === 'true'", T);
            for (String node : List.of("a", "b", "c")) {
                browser.waitFor("document.querySelector('svg [data-node=\"" + node + "\"]').dataset.state === 'READY'", T);
            }
            for (String link : List.of("a-b", "hall")) {
                browser.waitFor("document.querySelector('svg [data-link=\"" + link + "\"]') !== null", T);
            }
            assertThat(browser.eval("document.querySelectorAll('svg [data-node]').length", T).asInt()).isEqualTo(3);
            assertThat(browser.eval("document.querySelectorAll('svg [data-link]').length", T).asInt()).isEqualTo(2);
            // the page's cookie is HttpOnly: its scripts cannot read the token
            assertThat(browser.eval("document.cookie", T).asText()).isEmpty();

            // a console: what is typed runs in b's shell, and its output comes back to the terminal
            browser.click("button[data-action=console][data-node=b]", T);
            browser.waitFor("document.querySelector('[data-console=b]').dataset.attached === 'true'", T);
            browser.eval("document.querySelector('[data-console=b] textarea').focus()", T);
            browser.type("echo web$((40+2))\r", T);
            browser.waitFor("document.querySelector('[data-console=b] .xterm-rows').textContent.includes('web42')", T);

            // an impairment set in the page reaches the lab
            browser.eval("document.querySelector('input[data-impairment=\"a-b\"][data-direction=\"a->b\"]').value = 'delay=30ms'", T);
            browser.click("tr[data-link-row=\"a-b\"][data-direction=\"a->b\"] button:not([data-action])", T);
            browser.waitFor("document.querySelector('tr[data-link-row=\"a-b\"][data-direction=\"a->b\"]').textContent.includes('delay 30ms')", T);
            JsonNode links = new ObjectMapper().readTree(CliRun.of("status", LAB, "--json").out()).get(0).path("links");
            assertThat(links.get(0).path("impairments").path("a->b").path("delay").asText()).isEqualTo("30ms");

            // the link down in the page: a ping across it fails; up again, it passes
            assertThat(ping("a", "b")).isZero();
            browser.click("button[data-action=link-both][data-link=a-b]", T);
            browser.waitFor("document.querySelector('svg [data-link=\"a-b\"]').dataset.up === 'false'", T);
            assertThat(ping("a", "b")).isNotZero();
            Files.write(Path.of("target/web.png"), browser.screenshot(T));
            browser.click("button[data-action=link-both][data-link=a-b]", T);
            browser.waitFor("document.querySelector('svg [data-link=\"a-b\"]').dataset.up === 'true'", T);
            assertThat(ping("a", "b")).isZero();

            // an error is shown where it happened
            browser.eval("document.querySelector('input[data-impairment=\"a-b\"][data-direction=\"a->b\"]').value = 'loss=lots'", T);
            browser.click("tr[data-link-row=\"a-b\"][data-direction=\"a->b\"] button:not([data-action])", T);
            browser.waitFor("document.querySelector('tr[data-link-row=\"a-b\"][data-direction=\"a->b\"] .error').textContent.includes('loss')", T);
        } finally {
            CliRun down = CliRun.of("down", LAB);
            assertThat(down.exitCode()).as(down.err()).isZero();
        }
        // the view went with the lab
        assertThat(portRefuses(base)).isTrue();
    }

    private static boolean portRefuses(String base) {
        URI u = URI.create(base);
        try (java.net.Socket s = new java.net.Socket(u.getHost(), u.getPort())) {
            return !s.isConnected();
        } catch (java.io.IOException e) {
            return true;
        }
    }
}
