package dev.netloom.nodes;

import dev.netloom.nodes.qemu.Accel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigTest {

    @TempDir
    Path dir;

    private Path file(String json) throws IOException {
        return Files.writeString(dir.resolve("config.json"), json);
    }

    private Config load(Map<String, String> env, Path file) {
        return Config.load(env, file, false, "ann", "/home/ann");
    }

    @Test
    void withoutFileOrEnvironment_theBuiltInsApplyAndSaySo() {
        Config c = load(Map.of(), dir.resolve("absent.json"));
        assertThat(c.fileExists()).isFalse();
        assertThat(c.images()).isEqualTo(Path.of("/home/ann/.local/share/netloom/images"));
        assertThat(c.runDir()).isEqualTo(Path.of("/tmp/netloom-ann"));
        assertThat(c.accel(null)).isEqualTo(Accel.AUTO);
        assertThat(c.listen(null)).isNull();
        assertThat(c.get(Config.Key.ACCEL).source()).isEqualTo("built-in");
    }

    @Test
    void builtIns_followXdgAndRoot() {
        Map<String, String> env = Map.of("XDG_DATA_HOME", "/data", "XDG_RUNTIME_DIR", "/run/user/1000");
        Config user = load(env, dir.resolve("absent.json"));
        assertThat(user.images()).isEqualTo(Path.of("/data/netloom/images"));
        assertThat(user.runDir()).isEqualTo(Path.of("/run/user/1000/netloom"));
        Config root = Config.load(env, dir.resolve("absent.json"), true, "root", "/root");
        assertThat(root.runDir()).isEqualTo(Path.of("/run/netloom"));
    }

    @Test
    void precedence_isFlagThenEnvironmentThenFileThenBuiltIn() throws IOException {
        Path f = file("""
                {
                  // comments are fine
                  "accel": "tcg",
                  "images": "/srv/images",
                  "listen": "127.0.0.1:7000"
                }
                """);
        Config c = load(Map.of("NETLOOM_ACCEL", "kvm"), f);
        assertThat(c.get(Config.Key.ACCEL)).isEqualTo(new Config.Value(Config.Key.ACCEL, "kvm", "environment NETLOOM_ACCEL"));
        assertThat(c.get(Config.Key.ACCEL, "auto")).isEqualTo(new Config.Value(Config.Key.ACCEL, "auto", "flag --accel"));
        assertThat(c.get(Config.Key.IMAGES)).isEqualTo(new Config.Value(Config.Key.IMAGES, "/srv/images", "file " + f + ":4"));
        assertThat(c.get(Config.Key.RUN).source()).isEqualTo("built-in");
        assertThat(c.listen(null)).isEqualTo(new InetSocketAddress("127.0.0.1", 7000));
        assertThat(c.listen("127.0.0.1:8000")).isEqualTo(new InetSocketAddress("127.0.0.1", 8000));
        assertThat(c.fileExists()).isTrue();
    }

    @Test
    void environment_beatsTheFileForPaths() throws IOException {
        Config c = load(Map.of("NETLOOM_IMAGES", "/env/images", "NETLOOM_RUN", "/env/run"), file("{\"images\": \"/file/images\", \"run\": \"/file/run\"}"));
        assertThat(c.images()).isEqualTo(Path.of("/env/images"));
        assertThat(c.runDir()).isEqualTo(Path.of("/env/run"));
    }

    @Test
    void anUnknownKey_namesFileLineAndTheKeys() throws IOException {
        Path f = file("{\n  \"accel\": \"tcg\",\n  \"image\": \"/x\"\n}");
        assertThatThrownBy(() -> load(Map.of(), f)).isInstanceOf(BadInputException.class)
                .hasMessage(f + ":3: unknown key \"image\"; use one of \"images\", \"run\", \"accel\", \"listen\"");
    }

    @Test
    void brokenJson_namesFileLineColumnAndTheForm() throws IOException {
        Path f = file("{\"accel\": \"tcg\",}");
        assertThatThrownBy(() -> load(Map.of(), f)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(f + ":1:17: not valid JSON")
                .hasMessageContaining("one JSON object of strings");
    }

    @Test
    void badValues_nameWhereTheyCameFrom() throws IOException {
        Path f = file("{\n\"accel\": \"fast\"}");
        assertThatThrownBy(() -> load(Map.of(), f)).isInstanceOf(BadInputException.class)
                .hasMessage(f + ":2: \"accel\": \"fast\": unknown acceleration; use one of kvm, tcg, auto");
        assertThatThrownBy(() -> load(Map.of("NETLOOM_ACCEL", "fast"), dir.resolve("absent.json")))
                .hasMessage("NETLOOM_ACCEL=fast: unknown acceleration; use one of kvm, tcg, auto");
        Path listen = file("{\"listen\": \"10.0.0.1:80\"}");
        assertThatThrownBy(() -> load(Map.of(), listen)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(listen + ":1: \"listen\": \"10.0.0.1:80\": give a loopback address and a port");
        Path relative = file("{\"images\": \"images\"}");
        assertThatThrownBy(() -> load(Map.of(), relative)).isInstanceOf(BadInputException.class)
                .hasMessage(relative + ":1: \"images\": \"images\": give an absolute directory for the image store");
        Path number = file("{\"accel\": 1}");
        assertThatThrownBy(() -> load(Map.of(), number)).isInstanceOf(BadInputException.class)
                .hasMessageStartingWith(number + ":1: \"accel\" must be a string");
        Path twice = file("{\"accel\": \"tcg\",\n\"accel\": \"kvm\"}");
        assertThatThrownBy(() -> load(Map.of(), twice)).hasMessage(twice + ":2: \"accel\" is given twice; keep one");
        Path array = file("[]");
        assertThatThrownBy(() -> load(Map.of(), array)).hasMessageStartingWith(array + ":1: expected a JSON object");
    }

    @Test
    void aBadFlag_keepsTheFlagsOwnMessage() {
        Config c = load(Map.of(), dir.resolve("absent.json"));
        assertThatThrownBy(() -> c.accel("fast")).isInstanceOf(BadInputException.class).hasMessage("unknown acceleration 'fast': use one of kvm, tcg, auto");
        assertThatThrownBy(() -> c.listen("10.0.0.1:1")).hasMessageStartingWith("--listen 10.0.0.1:1: give a loopback address and a port");
    }

    @Test
    void aDirectoryInsteadOfAFile_isBadInputNamingIt() throws IOException {
        Path d = Files.createDirectory(dir.resolve("config.json"));
        assertThatThrownBy(() -> load(Map.of(), d)).isInstanceOf(BadInputException.class).hasMessageStartingWith("cannot read the config file " + d);
    }

    @Test
    void theFile_isNamedByNetloomConfigElseEtcForRootElseXdg() {
        assertThat(Config.fileFor(Map.of("NETLOOM_CONFIG", "/x.json"), true, "/root")).isEqualTo(Path.of("/x.json"));
        assertThat(Config.fileFor(Map.of(), true, "/root")).isEqualTo(Path.of("/etc/netloom/config.json"));
        assertThat(Config.fileFor(Map.of("XDG_CONFIG_HOME", "/cfg"), false, "/home/ann")).isEqualTo(Path.of("/cfg/netloom/config.json"));
        assertThat(Config.fileFor(Map.of(), false, "/home/ann")).isEqualTo(Path.of("/home/ann/.config/netloom/config.json"));
    }
}
