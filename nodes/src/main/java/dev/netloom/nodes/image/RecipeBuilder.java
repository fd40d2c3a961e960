package dev.netloom.nodes.image;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Builds the image a recipe file ({@code images/recipes/NAME.json}) describes. The base is rebuilt
 * from the Debian archive with the recipe's packages added (one mmdebstrap run: simple and
 * reproducible, and the .deb cache makes it cheap), then the base's set-up, then the recipe's files
 * and commands. A bad recipe is a {@link RecipeException} (exit 2); a failed build a NetloomException (exit 1).
 */
public final class RecipeBuilder {

    private final ImageStore store;
    private final Consumer<String> say;

    public RecipeBuilder(ImageStore store, Consumer<String> say) {
        this.store = store;
        this.say = say;
    }

    /** True when {@code name} names a recipe file rather than a built-in image. */
    public static boolean isRecipe(String name) {
        return name.endsWith(".json");
    }

    /** Reads, checks and builds the recipe in {@code file}, unless its image is up to date (or {@code force}). */
    public ImageManifest build(Path file, boolean force) {
        Recipe recipe = Recipe.load(file);
        return new DebianImageBuilder(store, say).build(recipe, force);
    }
}
