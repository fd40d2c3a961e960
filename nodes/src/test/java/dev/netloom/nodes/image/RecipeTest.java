package dev.netloom.nodes.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecipeTest {

    @TempDir
    Path dir;

    private Recipe parse(String json) {
        return Recipe.parse("r.json", json.getBytes(StandardCharsets.UTF_8), "r", dir);
    }

    private void fails(String json, String message) {
        assertThatThrownBy(() -> parse(json)).isInstanceOf(RecipeException.class).hasMessage(message);
    }

    @Test
    void parse_fullRecipe_readsEveryField() throws Exception {
        Files.writeString(dir.resolve("a.conf"), "hello\n");
        Recipe r = parse("""
                // comments are allowed
                {
                  "name": "router1", "base": "debian", "release": "trixie",
                  "packages": ["frr", "libc6-dev"],
                  "files": [ { "src": "a.conf", "dest": "/etc/a.conf", "mode": "0600" } ],
                  "commands": ["echo hi"],
                  "hostname": "rt", "extraSpace": "512M", "memory": "384M"
                }""");

        assertThat(r.name()).isEqualTo("router1");
        assertThat(r.release()).isEqualTo("trixie");
        assertThat(r.packages()).containsExactly("frr", "libc6-dev");
        assertThat(r.files()).singleElement().satisfies(f -> {
            assertThat(f.dest()).isEqualTo("/etc/a.conf");
            assertThat(f.mode()).isEqualTo("0600");
            assertThat(new String(f.content(), StandardCharsets.UTF_8)).isEqualTo("hello\n");
        });
        assertThat(r.commands()).containsExactly("echo hi");
        assertThat(r.hostname()).isEqualTo("rt");
        assertThat(r.extraSpace()).isEqualTo(512L << 20);
        assertThat(r.memoryMiB()).isEqualTo(384);
    }

    @Test
    void parse_emptyObject_takesTheDefaults() {
        Recipe r = parse("{}");

        assertThat(r.name()).isEqualTo("r");
        assertThat(r.base()).isEqualTo("debian");
        assertThat(r.release()).isEqualTo("bookworm");
        assertThat(r.packages()).isEmpty();
        assertThat(r.files()).isEmpty();
        assertThat(r.extraSpace()).isEqualTo(Recipe.DEFAULT_EXTRA_SPACE);
        assertThat(r.memoryMiB()).isZero();
        assertThat(r.hostname()).isNull();
    }

    @Test
    void parse_unknownKey_namesItAndTheValidKeys() {
        fails("{\n  \"pakages\": []\n}", "r.json:2:14: /pakages: unknown key \"pakages\"; valid keys: name, base, release, packages, files, commands, hostname, extraSpace, memory");
    }

    @Test
    void parse_badPackage_pointsAtTheItem() {
        fails("{\"packages\": [\"frr\",\n \"frr=8.4\"]}", "r.json:2:2: /packages/1: invalid Debian package name \"frr=8.4\"; use a package name such as frr (no versions or options)");
    }

    @Test
    void parse_unknownBase_listsTheBases() {
        fails("{\"base\": \"alpine\"}", "r.json:1:10: /base: unknown base image \"alpine\"; valid bases: debian");
    }

    @Test
    void parse_missingSourceFile_saysWhereItWasLookedFor() {
        assertThatThrownBy(() -> parse("{\"files\": [{\"src\": \"nope.conf\", \"dest\": \"/etc/x\"}]}"))
                .isInstanceOf(RecipeException.class)
                .hasMessageStartingWith("r.json:1:20: /files/0/src: no such file: " + dir.resolve("nope.conf"))
                .hasMessageEndingWith("src is relative to the recipe file's directory");
    }

    @Test
    void parse_fileWithoutDest_saysWhatIsMissing() {
        fails("{\"files\": [{\"src\": \"a\"}]}", "r.json:1:12: /files/0: missing \"dest\"; add it");
    }

    @Test
    void parse_relativeOrEscapingDest_isRefused() throws Exception {
        Files.writeString(dir.resolve("a"), "");
        fails("{\"files\": [{\"src\": \"a\", \"dest\": \"etc/x\"}]}",
                "r.json:1:33: /files/0/dest: \"etc/x\" must be an absolute file path in the image, without '..', such as /etc/frr/frr.conf");
        assertThatThrownBy(() -> parse("{\"files\": [{\"src\": \"a\", \"dest\": \"/etc/../../x\"}]}")).hasMessageContaining("/files/0/dest");
    }

    @Test
    void parse_badModeAndUnknownFileKey_areReported() throws Exception {
        Files.writeString(dir.resolve("a"), "");
        fails("{\"files\": [{\"src\": \"a\", \"dest\": \"/x\", \"mode\": \"rw\"}]}",
                "r.json:1:47: /files/0/mode: invalid mode \"rw\"; use octal such as 0644 or 0755");
        fails("{\"files\": [{\"src\": \"a\", \"dest\": \"/x\", \"owner\": \"root\"}]}",
                "r.json:1:48: /files/0/owner: unknown key \"owner\"; valid keys: src, dest, mode");
    }

    @Test
    void parse_badSizesAndNames_areReported() {
        fails("{\"extraSpace\": \"lots\"}", "r.json:1:16: /extraSpace: invalid size \"lots\"; use a size such as 512M or 2G (at most 64G)");
        fails("{\"memory\": \"8M\"}", "r.json:1:12: /memory: invalid memory \"8M\"; use whole MiB from 64M to 64G, such as 384M");
        fails("{\"name\": \"Big Router\"}", "r.json:1:10: /name: invalid image name \"Big Router\"; use 1-32 characters of a-z, 0-9, '-' and '_', starting with a letter");
        fails("{\"hostname\": \"a_b\"}", "r.json:1:14: /hostname: invalid hostname \"a_b\"; use 1-63 characters of a-z, 0-9 and '-'");
        fails("{\"commands\": [\"  \"]}", "r.json:1:15: /commands/0: a command must be non-empty text without NUL characters; fix or remove it");
        fails("{\"packages\": \"frr\"}", "r.json:1:14: /packages: must be a list of strings, such as [\"a\", \"b\"]");
        fails("{\"release\": 12}", "r.json:1:13: /release: must be a string, not number");
    }

    @Test
    void parse_badJsonAndDuplicates_giveTheirPlace() {
        assertThatThrownBy(() -> parse("{\"packages\": [\"a\",]}")).isInstanceOf(RecipeException.class)
                .hasMessageStartingWith("r.json:1:19: /: invalid JSON:");
        fails("{\"name\": \"a\",\n \"name\": \"b\"}", "r.json:2:2: /name: duplicate key \"name\"; keep only one");
        fails("", "r.json:1:1: /: the file is empty; a recipe is a JSON object such as {\"base\": \"debian\", \"packages\": [\"frr\"]}");
        fails("[]", "r.json:1:1: /: a recipe is a JSON object such as {\"base\": \"debian\", \"packages\": [\"frr\"]}");
    }

    @Test
    void load_takesTheNameFromTheFile_andRejectsAnInvalidOne() throws Exception {
        Path ok = dir.resolve("my-router.json");
        Files.writeString(ok, "{}");
        assertThat(Recipe.load(ok).name()).isEqualTo("my-router");

        Path bad = dir.resolve("My Router.json");
        Files.writeString(bad, "{}");
        assertThatThrownBy(() -> Recipe.load(bad)).isInstanceOf(RecipeException.class)
                .hasMessageContaining("the file name \"My Router\" is not a valid image name; add \"name\"");
        assertThatThrownBy(() -> Recipe.load(dir.resolve("missing.json"))).isInstanceOf(RecipeException.class)
                .hasMessageStartingWith(dir.resolve("missing.json") + ": cannot read the recipe");
    }

    @Test
    void shippedFrrRecipe_parses() {
        Recipe r = Recipe.load(Path.of("..", "images", "recipes", "frr-router.json"));

        assertThat(r.name()).isEqualTo("frr-router");
        assertThat(r.packages()).contains("frr");
        assertThat(r.files()).extracting(Recipe.FileCopy::dest).contains("/etc/frr/frr.conf");
        assertThat(new String(r.files().get(0).content(), StandardCharsets.UTF_8)).contains("interface eth0", "ip ospf area 0");
        assertThat(r.commands()).anyMatch(c -> c.contains("ospfd=yes"));
    }

    /** A recipe in dir/recipe whose neighbour dir/outside.conf is a host file it must not reach. */
    private Recipe parseInSubdir(String json) throws Exception {
        Path recipeDir = Files.createDirectories(dir.resolve("recipe"));
        Files.writeString(dir.resolve("outside.conf"), "secret\n");
        return Recipe.parse("r.json", json.getBytes(StandardCharsets.UTF_8), "r", recipeDir);
    }

    @Test
    void parse_whenSrcClimbsOutOfTheRecipesDirectory_failsNamingTheFieldAndTheFix() {
        assertThatThrownBy(() -> parseInSubdir("{\"files\": [{\"src\": \"../outside.conf\", \"dest\": \"/etc/x\"}]}"))
                .isInstanceOf(RecipeException.class)
                .hasMessageStartingWith("r.json:1:20: /files/0/src: \"../outside.conf\" leaves the recipe's directory; put the file in ")
                .hasMessageEndingWith("(or a folder under it) and name it relative to the recipe");
    }

    @Test
    void parse_whenSrcIsAbsolute_failsNamingTheField() {
        assertThatThrownBy(() -> parse("{\"files\": [{\"src\": \"/etc/passwd\", \"dest\": \"/etc/x\"}]}"))
                .isInstanceOf(RecipeException.class)
                .hasMessageContaining("/files/0/src: \"/etc/passwd\" must be a path relative to the recipe file's directory");
    }

    @Test
    void parse_whenSrcIsASymlinkLeavingTheDirectory_failsNamingWhereItPoints() throws Exception {
        Path recipeDir = Files.createDirectories(dir.resolve("recipe"));
        Files.createSymbolicLink(recipeDir.resolve("link.conf"), dir.resolve("outside.conf"));
        Files.createDirectories(dir.resolve("elsewhere"));
        Files.createSymbolicLink(recipeDir.resolve("sub"), dir.resolve("elsewhere"));
        Files.writeString(dir.resolve("elsewhere/in-linked-dir.conf"), "x");

        assertThatThrownBy(() -> parseInSubdir("{\"files\": [{\"src\": \"link.conf\", \"dest\": \"/etc/x\"}]}"))
                .isInstanceOf(RecipeException.class)
                .hasMessageContaining("/files/0/src: \"link.conf\" is a symbolic link to " + dir.toRealPath().resolve("outside.conf")
                        + ", outside the recipe's directory")
                .hasMessageContaining("copy it there instead of linking to it");
        assertThatThrownBy(() -> parseInSubdir("{\"files\": [{\"src\": \"sub/in-linked-dir.conf\", \"dest\": \"/etc/x\"}]}"))
                .isInstanceOf(RecipeException.class)
                .hasMessageContaining("/files/0/src: \"sub/in-linked-dir.conf\" is a symbolic link to");
    }

    @Test
    void parse_whenSrcIsASymlinkWithinTheDirectory_readsIt() throws Exception {
        Path recipeDir = Files.createDirectories(dir.resolve("recipe"));
        Files.writeString(Files.createDirectories(recipeDir.resolve("files")).resolve("real.conf"), "mine\n");
        Files.createSymbolicLink(recipeDir.resolve("alias.conf"), Path.of("files/real.conf"));
        Recipe r = parseInSubdir("{\"files\": [{\"src\": \"alias.conf\", \"dest\": \"/etc/x\"}, {\"src\": \"files/../files/real.conf\", \"dest\": \"/etc/y\"}]}");
        assertThat(r.files()).extracting(f -> new String(f.content(), StandardCharsets.UTF_8)).containsExactly("mine\n", "mine\n");
    }
}
