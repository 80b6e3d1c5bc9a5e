package io.github.realtimepatterns.core.store;

import java.security.SecureRandom;

/** Makes epoch tokens: 8 random characters, unique enough to tell two streams of one channel apart. */
final class Epochs {

    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Epochs() {
    }

    static String next() {
        char[] token = new char[8];
        for (int i = 0; i < token.length; i++) {
            token[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(token);
    }
}
