package dev.imagine.bot.command;

/**
 * The picture a request starts from (image to image): a file a person sent, as the platform delivered its bytes, or
 * a picture Imagine drew earlier. The job service checks and prepares it the same way for every platform.
 */
public sealed interface PictureInput {

    /**
     * A file as downloaded from the platform (a Discord attachment, a Telegram photo or document, an upload to the
     * API), not yet checked: it may be anything.
     */
    record Upload(byte[] bytes) implements PictureInput {
        public Upload {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Upload u && java.util.Arrays.equals(u.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Upload[" + bytes.length + " bytes]";
        }
    }

    /** Picture {@code index} (from 0) of an earlier job. */
    record OfJob(String jobId, int index) implements PictureInput {
    }
}
