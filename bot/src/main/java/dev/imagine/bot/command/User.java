package dev.imagine.bot.command;

import java.util.Objects;

/**
 * A person on one platform. {@link #key()} ("discord:1234") identifies them across the whole process: the queue
 * shares CPU between keys, and ownership of jobs is checked against it.
 */
public record User(String platform, String id, String displayName) {
    public User {
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(id, "id");
        if (platform.isBlank() || platform.contains(":")) {
            throw new IllegalArgumentException("platform must be a plain name such as 'discord', got " + platform);
        }
        displayName = displayName == null || displayName.isBlank() ? id : displayName;
    }

    public String key() {
        return platform + ":" + id;
    }
}
