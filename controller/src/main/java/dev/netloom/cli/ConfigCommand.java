package dev.netloom.cli;

import dev.netloom.nodes.Config;
import dev.netloom.nodes.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** `netloom config`: the defaults a user sets once, and where each value comes from. */
@Command(name = "config", mixinStandardHelpOptions = true,
        header = "Show netloom's settings and where each comes from.",
        description = {"Settings: images (the image store), run (run directories), accel (kvm, tcg or auto), listen (the API's loopback",
                "TCP address for up and serve). Each comes from, first found: the command's flag (--accel, --listen), the environment",
                "(NETLOOM_IMAGES, NETLOOM_RUN, NETLOOM_ACCEL, NETLOOM_LISTEN), the config file, the built-in default.",
                "The config file is $NETLOOM_CONFIG, else /etc/netloom/config.json for root, else",
                "$XDG_CONFIG_HOME/netloom/config.json (~/.config/netloom/config.json): one JSON object of strings, e.g.",
                "  {\"images\": \"/srv/netloom/images\", \"accel\": \"tcg\", \"listen\": \"127.0.0.1:7777\"}"},
        subcommands = ConfigCommand.Show.class)
final class ConfigCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Print each setting, its value and its source (flag, environment, file:line or built-in).",
                    "--accel and --listen show what a command given those flags would use."})
    static final class Show implements Callable<Integer> {

        @Mixin
        AccelOption accel;

        @Mixin
        ListenOption listen;

        @Mixin
        JsonOption json;

        @Override
        public Integer call() throws Exception {
            Config config = Config.current();
            Map<Config.Key, Config.Value> values = new LinkedHashMap<>();
            for (Config.Key k : Config.Key.values()) {
                String flag = k == Config.Key.ACCEL ? accel.text : k == Config.Key.LISTEN ? listen.text : null;
                values.put(k, config.get(k, flag));
            }
            if (json.enabled) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("file", config.file().toString());
                out.put("fileExists", config.fileExists());
                Map<String, Object> settings = new LinkedHashMap<>();
                values.forEach((k, v) -> {
                    Map<String, Object> s = new LinkedHashMap<>();
                    s.put("value", v.value());
                    s.put("source", v.source());
                    settings.put(k.key, s);
                });
                out.put("settings", settings);
                System.out.println(Json.PRETTY.writeValueAsString(out));
                return 0;
            }
            System.out.println("config file: " + config.file() + (config.fileExists() ? "" : " (not present)"));
            System.out.printf("%-8s %-40s %s%n", "SETTING", "VALUE", "FROM");
            values.forEach((k, v) -> System.out.printf("%-8s %-40s %s%n", k.key, v.value() == null ? "-" : v.value(), v.source()));
            return 0;
        }
    }
}
