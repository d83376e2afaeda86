package dev.netpolc.cli;

import java.nio.file.Files;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The fuzzing contract holds for every policy of the repository, the fuzzer's seeds. */
class FuzzSeedsTest {

    @TestFactory
    Stream<DynamicTest> everyPolicyKeepsTheFuzzingContract() {
        return Stream.concat(Repo.validPolicies().stream(), Repo.invalidPolicies().stream())
                .map(p -> DynamicTest.dynamicTest(Repo.relative(p), () -> FuzzPolicy.check(Files.readAllBytes(p))));
    }
}
