package dev.largeupload.web;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hexagon's dependency rules, checked on the production classes of every module. Each rule
 * fails when the packages it names are empty (ArchUnit's failOnEmptyShould), so a rule cannot
 * pass by matching nothing.
 */
class ArchitectureTest {

    private static final String DOMAIN = "dev.largeupload.domain..";
    private static final String FILESYSTEM = "dev.largeupload.filesystem..";
    private static final String METADATA = "dev.largeupload.metadata..";
    private static final String AZURE = "dev.largeupload.azure..";
    private static final String WEB = "dev.largeupload.web..";
    private static final String WIRING = "dev.largeupload.web.wiring..";

    static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.largeupload");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev.largeupload.domain", "dev.largeupload.filesystem", "dev.largeupload.metadata",
            "dev.largeupload.azure", "dev.largeupload.web"})
    void everyLayerHasClassesToCheck(String pkg) {
        assertFalse(production.stream().noneMatch(c -> c.getPackageName().startsWith(pkg)), pkg + " is empty");
    }

    @Test
    void domain_dependsOnlyOnJavaAndItself() {
        check(classes().that().resideInAPackage(DOMAIN)
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", DOMAIN));
    }

    @Test
    void filesystemAdapter_importsNoOtherAdapterNorTheWeb() {
        check(noClasses().that().resideInAPackage(FILESYSTEM)
                .should().dependOnClassesThat().resideInAnyPackage(METADATA, AZURE, WEB));
    }

    @Test
    void metadataAdapter_importsNoOtherAdapterNorTheWeb() {
        check(noClasses().that().resideInAPackage(METADATA)
                .should().dependOnClassesThat().resideInAnyPackage(FILESYSTEM, AZURE, WEB));
    }

    @Test
    void azureAdapter_importsNoOtherAdapterNorTheWeb() {
        check(noClasses().that().resideInAPackage(AZURE)
                .should().dependOnClassesThat().resideInAnyPackage(FILESYSTEM, METADATA, WEB));
    }

    @Test
    void onlyTheWiringNamesAdapters() {
        check(noClasses().that().resideInAPackage(WEB).and().resideOutsideOfPackage(WIRING)
                .should().dependOnClassesThat().resideInAnyPackage(FILESYSTEM, METADATA, AZURE));
    }

    @Test
    void theWiringIsWhereAdaptersAreNamed() {
        // Proves the rule above guards real dependencies: they exist, and all of them live in the wiring.
        assertTrue(production.stream()
                .filter(c -> c.getPackageName().startsWith("dev.largeupload.web.wiring"))
                .flatMap(c -> c.getDirectDependenciesFromSelf().stream())
                .anyMatch(d -> d.getTargetClass().getPackageName().startsWith("dev.largeupload.filesystem")));
    }

    private static void check(ArchRule rule) {
        rule.allowEmptyShould(false).check(production);
    }
}
