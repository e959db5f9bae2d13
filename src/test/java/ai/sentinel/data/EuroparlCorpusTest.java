package ai.sentinel.data;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EuroparlCorpusTest {
    /** The starts of real documents of the corpus (lines 0–183), one per language. */
    private static final Map<String, String> OTHER_LANGUAGES =
            Map.of(
                    "it",
                            "Istituzioni europee proteggerlo in tutti i campi.   Invitiamo dunque la Commissione a sottoporre"
                                    + " nuove proposte intese a combattere in modo efficace la discrimi",
                    "sv",
                            ". För det sjätte skulle det förhindra att ikraftträdandet av EUF försenas på grund av kravet att"
                                    + " medlemsstaterna och AVS-länderna skall ratificera det finansiel",
                    "nl",
                            "” snel wordt bereikt, is wat mij betreft het vervroegen van de deadline onrealistisch. Het"
                                    + " Commissievoorstel maakt een afweging tussen enerzijds de noodzaak ons",
                    "es",
                            "medida las aclaraciones que ha realizado el Parlamento Europeo.   Señor Presidente, hay muchas"
                                    + " razones para votar en contra de esta resolución, pero muchas tamb",
                    "el",
                            "το νέο κανονισμό, προκειμένου να ενισχυθεί η εμπιστοσύνη στις Ευρωπαϊκές Στατιστικές, οι"
                                    + " στατιστικές αρχές πρέπει να απολαμβάνουν επαγγελματική ανεξαρτησία και",
                    "de",
                            "wurde in diesem Jahr die bislang höchste Summe zur Unterstützung Somalias bereitgestellt."
                                    + "   Äußerst besorgt sind wir auch über die Sicherheitslage in Mogadischu",
                    "da",
                            ", nemlig at vi lever i meget interessante tider, hvad angår den økonomiske politik. Det er tider,"
                                    + " hvor det neoliberale projekt åbenbart er i færd med at slide s",
                    "fi",
                            "ehdokkailta evättiin vaalikelpoisuus, ja ettei tätä pyritty korjaamaan edes osittain"
                                    + " järjestämällä avoimia demokraattisia vaaleja, joissa koko väestö olisi voin",
                    "fr",
                            "facile et les dossiers épineux n'ont pas manqué. Je m'arrêterai sur deux questions.   La première"
                                    + " est la crise des marchés financiers. Le fait que la Suède, ave",
                    "pt",
                            "local de Jerusalém, enlutado, informava-nos que a cidade de Jericó vivia em tranquilidade há dois"
                                    + " meses. Não havia soldados israelitas, não havia polícias pales");

    private static final String ENGLISH =
            "be able to do what the individual countries cannot do as well as we can at"
                    + " European level. All we want to do is to increase the European added value here.   We ";

    @Test
    void keepsEnglishAndDropsTheOtherLanguages() {
        assertTrue(EnglishFilter.isEnglish(ENGLISH), "score " + EnglishFilter.score(ENGLISH));
        OTHER_LANGUAGES.forEach(
                (language, text) ->
                        assertFalse(
                                EnglishFilter.isEnglish(text),
                                language + " scored " + EnglishFilter.score(text)));
        assertFalse(EnglishFilter.isEnglish(""));
    }

    @Test
    void theBuiltInCorpusIsAboutOnePointTwoMegabytesOfEnglish() throws Exception {
        String text = EuroparlCorpus.englishText();
        int bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        assertTrue(bytes > 1_100_000 && bytes < 1_450_000, bytes + " bytes");
        assertTrue(text.contains("increase the European added value here"));
        assertFalse(text.contains("Invitiamo dunque la Commissione"));
        assertFalse(text.contains("Mogadischu"));
        assertTrue(EnglishFilter.isEnglish(text.substring(0, 5000)));
        assertTrue(EuroparlCorpus.body("title\t2004-03-30\tthe body").equals("the body"));
        assertTrue(EuroparlCorpus.body("no tabs").isEmpty());
    }
}
