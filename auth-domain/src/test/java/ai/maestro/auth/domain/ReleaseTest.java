package ai.maestro.auth.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ReleaseTest {
    /** The version --version and the User-Agent report is the build's, typed nowhere in the code. */
    @Test
    void theVersionIsTheOneTheBuildDeclares() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher parent = Pattern.compile("<parent>.*?<version>([^<]+)</version>", Pattern.DOTALL).matcher(pom);
        parent.find();

        assertEquals(parent.group(1), Release.version());
    }
}
