package dev.netloom.scenario;

/**
 * Tells the loader whether an image exists, so that a scenario naming a missing image fails at load
 * time rather than halfway through bring-up. The CLI passes
 * {@code name -> ImageStore.fromEnvironment().find(name).isPresent()}.
 */
@FunctionalInterface
public interface ImageCheck {

    /** Every image exists: for tools that only look at the topology (graph, validate --no-images). */
    ImageCheck ANY = name -> true;

    /** Whether the image store holds an image of this name. */
    boolean exists(String image);
}
