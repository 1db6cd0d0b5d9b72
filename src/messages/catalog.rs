//! The catalog: every code with its explanation, and every text in French and English.
//!
//! Codes are stable: a code, once published, keeps its meaning and is never reused for
//! another problem; a problem that is no longer reported keeps its number, retired. French
//! texts are written with plain spaces before `:` `;` `!` `?` and inside « »: the no-break
//! spaces are put in where the text is written out (see `french_spacing`).
//!
//! Conventions: what the author wrote is quoted « » in French and `…` in English; what
//! they should type (a field name, a setting, YAML) is in backticks in both.

use super::{CodeEntry, Example, Text};

/// A case study that passes `passerelle check` on the example site, for the examples.
macro_rules! good_case_study {
    () => {
        "---\ntitle: Accueil des familles\ndate: 2024-03-01\nsummary: Un accueil qui marche.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [accueil et établissement]\n---\nLe texte.\n"
    };
}

/// Where a case study of the example site is written by the examples.
const CASE_STUDY: &str = "content/etudes-de-cas/exemple.md";

macro_rules! codes {
    ($($variant:ident = $id:literal $name:literal {
        summary: [$sfr:literal, $sen:literal $(,)?],
        text: [$tfr:literal, $ten:literal $(,)?],
        example: $example:expr $(,)?
    })*) => {
        /// A kind of problem, with a stable code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code { $($variant),* }

        impl Code {
            pub const ALL: &[Code] = &[$(Code::$variant),*];

            pub fn entry(self) -> &'static CodeEntry {
                match self {
                    $(Code::$variant => &CodeEntry {
                        id: $id,
                        name: $name,
                        summary: [$sfr, $sen],
                        text: [$tfr, $ten],
                        example: $example,
                    }),*
                }
            }
        }
    };
}

macro_rules! texts {
    ($($name:ident $(: $code:ident)? { en: $en:literal, fr: $fr:literal $(,)? })*) => {
        $(
            pub static $name: Text = Text {
                id: stringify!($name),
                code: texts!(@code $($code)?),
                en: $en,
                fr: $fr,
            };
        )*
        /// Every text of the catalog, for the tests that check it.
        pub static ALL_TEXTS: &[&Text] = &[$(&$name),*];
    };
    (@code) => { None };
    (@code $code:ident) => { Some(Code::$code) };
}

codes! {
    FileUnreadable = "P0101" "file-unreadable" {
        summary: ["un fichier du site ne peut pas être lu", "a file of the site cannot be read"],
        text: [
            "Passerelle n’a pas pu lire un fichier du site : droits d’accès, fichier déplacé pendant la lecture, ou fichier de plus de 32 Mo. Vérifiez que le fichier existe et peut être lu ; découpez un fichier trop gros en plusieurs études de cas.",
            "Passerelle could not read a file of the site: permissions, a file moved while it was read, or a file over 32 MB. Check that the file exists and can be read; split a file that is too large into several case studies.",
        ],
        example: None,
    }
    ContentMissing = "P0102" "content-missing" {
        summary: ["le dossier content/ est absent", "the content/ folder is missing"],
        text: [
            "Le site n’a pas de dossier content/ à côté de config.yaml : c’est là que vivent les études de cas et les pages. Créez-le, ou lancez la commande depuis le bon dossier (ou avec --root).",
            "The site has no content/ folder next to config.yaml: that is where the case studies and pages live. Create it, or run the command from the right folder (or with --root).",
        ],
        example: None,
    }
    NotUtf8 = "P0103" "not-utf8" {
        summary: ["un fichier n’est pas enregistré en UTF-8", "a file is not saved as UTF-8"],
        text: [
            "Passerelle lit le texte en UTF-8, l’encodage du Web. Un fichier enregistré autrement (Windows-1252, Latin-1) transformerait les accents en caractères illisibles. Dans votre éditeur, choisissez « Enregistrer avec l’encodage UTF-8 ».",
            "Passerelle reads text as UTF-8, the encoding of the Web. A file saved otherwise (Windows-1252, Latin-1) would turn accents into garbage. In your editor, choose \"Save with encoding: UTF-8\".",
        ],
        example: None,
    }
    EmptyFile = "P0104" "empty-file" {
        summary: ["un fichier Markdown est vide", "a Markdown file is empty"],
        text: [
            "Un fichier .md du dossier content/ devient une page ; vide, il n’en dit rien. Écrivez son en-tête (les champs entre deux lignes `---`) et son texte, ou supprimez le fichier. `passerelle new \"Titre\"` crée une étude de cas à remplir.",
            "Each .md file under content/ becomes a page; empty, it has nothing to say. Write its front matter (the fields between two `---` lines) and its text, or delete the file. `passerelle new \"Title\"` creates a case study to fill in.",
        ],
        example: Some(Example { file: CASE_STUDY, bad: "", fixed: good_case_study!() }),
    }
    NoFrontMatter = "P0105" "front-matter-missing" {
        summary: ["un fichier ne commence pas par son en-tête `---`", "a file does not start with its `---` front matter"],
        text: [
            "Chaque page commence par un en-tête : une ligne `---`, les champs (`title: …`, `date: …`), puis une autre ligne `---`. C’est là que Passerelle lit le titre, la date et les classements. Ajoutez l’en-tête au tout début du fichier.",
            "Each page starts with front matter: a `---` line, the fields (`title: …`, `date: …`), then another `---` line. That is where Passerelle reads the title, the date and the classifications. Add it at the very start of the file.",
        ],
        example: Some(Example {
            file: CASE_STUDY,
            bad: "# Accueil des familles\n\nLe texte.\n",
            fixed: good_case_study!(),
        }),
    }
    UnclosedFrontMatter = "P0106" "front-matter-unclosed" {
        summary: ["l’en-tête n’est jamais fermé par `---`", "the front matter is never closed by `---`"],
        text: [
            "L’en-tête commence par `---` mais aucune ligne `---` ne le ferme : Passerelle ne sait pas où finissent les champs et où commence le texte. Ajoutez une ligne `---` après le dernier champ.",
            "The front matter starts with `---` but no `---` line closes it: Passerelle cannot tell where the fields end and the text begins. Add a `---` line after the last field.",
        ],
        example: Some(Example {
            file: CASE_STUDY,
            bad: "---\ntitle: Accueil des familles\ndate: 2024-03-01\nsummary: Un accueil qui marche.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [accueil et établissement]\nLe texte.\n",
            fixed: good_case_study!(),
        }),
    }
    YamlSyntax = "P0107" "yaml-syntax" {
        summary: ["l’en-tête n’est pas du YAML valide", "the front matter is not valid YAML"],
        text: [
            "Les champs de l’en-tête s’écrivent en YAML : `nom: valeur`, une par ligne, les listes entre crochets ou en lignes `- `. Un `:` suivi d’une espace dans une valeur, ou une valeur qui commence par `[`, `{`, `*`, `&`, `!`, `|`, `>` ou `#`, doit être entre guillemets. L’imbrication est limitée à 32 niveaux et les alias (`&nom`, `*nom`) à un usage raisonnable.",
            "Front matter fields are YAML: `name: value`, one per line, lists in brackets or as `- ` lines. A value holding `: ` or starting with `[`, `{`, `*`, `&`, `!`, `|`, `>` or `#` must be quoted. Nesting is limited to 32 levels and aliases (`&name`, `*name`) to reasonable use.",
        ],
        example: Some(Example {
            file: CASE_STUDY,
            bad: "---\ntitle: Accueil des familles\ndate: 2024-03-01\nsummary: Bilan : un accueil qui marche.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [accueil et établissement]\n---\nLe texte.\n",
            fixed: "---\ntitle: Accueil des familles\ndate: 2024-03-01\nsummary: \"Bilan : un accueil qui marche.\"\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [accueil et établissement]\n---\nLe texte.\n",
        }),
    }
    DuplicateField = "P0108" "duplicate-field" {
        summary: ["un champ est écrit deux fois", "a field is written twice"],
        text: [
            "Un même champ apparaît deux fois dans l’en-tête, sous le même nom ou sous deux noms qui veulent dire la même chose (`title` et son alias `titre`). Passerelle ne devine pas laquelle garder : gardez-en une seule.",
            "The same field appears twice in the front matter, under one name or under two names that mean the same (`title` and its alias `titre`). Passerelle does not guess which to keep: keep only one.",
        ],
        example: Some(Example {
            file: CASE_STUDY,
            bad: "---\ntitle: Accueil des familles\ntitre: Accueil\ndate: 2024-03-01\nsummary: Un accueil qui marche.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [accueil et établissement]\n---\nLe texte.\n",
            fixed: good_case_study!(),
        }),
    }
    FrontMatterShape = "P0109" "front-matter-shape" {
        summary: ["l’en-tête n’est pas une suite de lignes `champ: valeur`", "the front matter is not a set of `field: value` lines"],
        text: [
            "L’en-tête doit être une suite de lignes `champ: valeur` dont chaque nom est du texte simple. Une liste (`- …`) ou une valeur seule à la place ne dit pas à quels champs vont les valeurs.",
            "The front matter must be a set of `field: value` lines, each name plain text. A list (`- …`) or a lone value in its place does not say which field each value is for.",
        ],
        example: Some(Example {
            file: CASE_STUDY,
            bad: "---\n- Accueil des familles\n- 2024-03-01\n---\nLe texte.\n",
            fixed: good_case_study!(),
        }),
    }
    UnknownField = "P0110" "unknown-field" {
        summary: ["un champ inconnu du schéma est ignoré (avertissement)", "a field the schema does not declare is ignored (warning)"],
        text: [
            "Le schéma de config.yaml (`fields`) ne déclare pas ce champ : sa valeur n’apparaîtra nulle part. C’est souvent une faute de frappe ; Passerelle propose le nom le plus proche. Corrigez le nom, ou déclarez le champ dans config.yaml.",
            "The schema in config.yaml (`fields`) does not declare this field: its value will show nowhere. It is often a typo; Passerelle suggests the closest name. Fix the name, or declare the field in config.yaml.",
        ],
        example: Some(Example {
            file: CASE_STUDY,
            bad: "---\ntitle: Accueil des familles\ndate: 2024-03-01\nsummary: Un accueil qui marche.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [accueil et établissement]\ntarget_group: [familles]\n---\nLe texte.\n",
            fixed: "---\ntitle: Accueil des familles\ndate: 2024-03-01\nsummary: Un accueil qui marche.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [accueil et établissement]\ntarget_groups: [familles]\n---\nLe texte.\n",
        }),
    }
    MissingField = "P0111" "required-field" {
        summary: ["un champ obligatoire manque", "a required field is missing"],
        text: [
            "Le schéma de config.yaml marque ce champ `required: true` : chaque étude de cas doit l’avoir, parce que les listes, la recherche et les filtres en dépendent (titre, date, résumé, municipalité, région, thèmes sur le site d’exemple). Ajoutez-le à l’en-tête, avec au moins une valeur pour une liste.",
            "The schema in config.yaml marks this field `required: true`: every case study must have it, since lists, search and filters depend on it (title, date, summary, municipality, region and themes on the example site). Add it to the front matter, with at least one value for a list.",
        ],
        example: Some(Example {
            file: CASE_STUDY,
            bad: "---\ntitle: Accueil des familles\ndate: 2024-03-01\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [accueil et établissement]\n---\nLe texte.\n",
            fixed: good_case_study!(),
        }),
    }
    EmptyValue = "P0112" "empty-value" {
        summary: ["un champ obligatoire est vide", "a required field is empty"],
        text: [
            "Le champ est là, mais sans valeur (rien après le `:`, ou seulement des espaces). Un champ obligatoire doit dire quelque chose : écrivez sa valeur sur la même ligne.",
            "The field is there but has no value (nothing after the `:`, or only spaces). A required field must say something: write its value on the same line.",
        ],
        example: Some(Example {
            file: CASE_STUDY,
            bad: "---\ntitle: Accueil des familles\ndate: 2024-03-01\nsummary:\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [accueil et établissement]\n---\nLe texte.\n",
            fixed: good_case_study!(),
        }),
    }
    WrongType = "P0113" "wrong-type" {
        summary: ["une valeur n’est pas du type que le schéma attend", "a value is not of the type the schema expects"],
        text: [
            "Chaque champ a un type dans config.yaml : texte, date, nombre entier, nombre, `true`/`false`, liste, ou champs imbriqués. Une population s’écrit en chiffres, un champ à valeur unique ne prend pas de liste, et un financement s’écrit en sous-champs indentés. Écrivez la valeur dans la forme attendue.",
            "Each field has a type in config.yaml: text, date, whole number, number, `true`/`false`, a list, or nested fields. A population is written in digits, a single-value field takes no list, and funding is written as indented sub-fields. Write the value in the expected form.",
        ],
        example: Some(Example {
            file: CASE_STUDY,
            bad: "---\ntitle: Accueil des familles\ndate: 2024-03-01\nsummary: Un accueil qui marche.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [accueil et établissement]\npopulation: beaucoup\n---\nLe texte.\n",
            fixed: "---\ntitle: Accueil des familles\ndate: 2024-03-01\nsummary: Un accueil qui marche.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [accueil et établissement]\npopulation: 172950\n---\nLe texte.\n",
        }),
    }
    DateFormat = "P0114" "date-format" {
        summary: ["une date n’est pas écrite AAAA-MM-JJ, ou n’existe pas", "a date is not written YYYY-MM-DD, or does not exist"],
        text: [
            "Les dates s’écrivent année-mois-jour, avec deux chiffres pour le mois et le jour : 2024-03-01. C’est la forme qui se trie et que les outils lisent sans ambiguïté (01/03/2024 est le 1er mars ici, le 3 janvier ailleurs). Une heure après la date est acceptée et ignorée ; un jour qui n’existe pas (2025-02-30) est refusé.",
            "Dates are written year-month-day, with two digits for the month and the day: 2024-03-01. That form sorts, and tools read it without ambiguity (01/03/2024 is March 1 in Quebec, January 3 elsewhere). A time after the date is accepted and dropped; a day that does not exist (2025-02-30) is refused.",
        ],
        example: Some(Example {
            file: CASE_STUDY,
            bad: "---\ntitle: Accueil des familles\ndate: mars 2024\nsummary: Un accueil qui marche.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [accueil et établissement]\n---\nLe texte.\n",
            fixed: good_case_study!(),
        }),
    }
    NumberRange = "P0115" "number-range" {
        summary: ["un nombre est hors des bornes du champ", "a number is outside the field's bounds"],
        text: [
            "Le schéma de config.yaml borne ce nombre (`min`, `max`) : une population négative ou un montant à quinze chiffres est presque toujours une faute de frappe. Les valeurs `.nan` et `.inf` de YAML ne sont pas des nombres publiables. Vérifiez le nombre de chiffres et le signe.",
            "The schema in config.yaml bounds this number (`min`, `max`): a negative population or a fifteen-digit amount is almost always a typo. YAML's `.nan` and `.inf` are not numbers that can be published. Check the number of digits and the sign.",
        ],
        example: Some(Example {
            file: CASE_STUDY,
            bad: "---\ntitle: Accueil des familles\ndate: 2024-03-01\nsummary: Un accueil qui marche.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [accueil et établissement]\npopulation: -172950\n---\nLe texte.\n",
            fixed: "---\ntitle: Accueil des familles\ndate: 2024-03-01\nsummary: Un accueil qui marche.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [accueil et établissement]\npopulation: 172950\n---\nLe texte.\n",
        }),
    }
    UnknownValue = "P0116" "unknown-value" {
        summary: ["une valeur n’est pas dans la liste du vocabulaire", "a value is not in the vocabulary's list"],
        text: [
            "Régions, thèmes, publics et statuts sont des listes fermées (`vocabularies` dans config.yaml) : c’est ce qui permet de filtrer et de regrouper les études de cas. La casse, les accents et les tirets ne comptent pas, et le code officiel est accepté (05 pour l’Estrie), mais la valeur doit être de la liste. Passerelle propose la plus proche.",
            "Regions, themes, target groups and statuses are closed lists (`vocabularies` in config.yaml): that is what lets readers filter and group case studies. Case, accents and dashes do not matter, and the official code is accepted (05 for Estrie), but the value must be in the list. Passerelle suggests the closest.",
        ],
        example: Some(Example {
            file: CASE_STUDY,
            bad: "---\ntitle: Accueil des familles\ndate: 2024-03-01\nsummary: Un accueil qui marche.\nmunicipality: Sherbrooke\nregion: Estri\nthemes: [accueil et établissement]\n---\nLe texte.\n",
            fixed: good_case_study!(),
        }),
    }
    EmailFormat = "P0117" "email-format" {
        summary: ["une adresse courriel n’en est pas une", "an email address is not one"],
        text: [
            "Ce champ attend une adresse courriel complète (nom@domaine.example). Donnez l’adresse générique d’un service, jamais celle d’une personne : la Loi 25 protège les renseignements personnels, et une adresse de service survit aux changements de poste.",
            "This field expects a full email address (name@domain.example). Give a service's role address, never a person's: Quebec's Law 25 protects personal information, and a role address outlives staff changes.",
        ],
        example: Some(Example {
            file: CASE_STUDY,
            bad: "---\ntitle: Accueil des familles\ndate: 2024-03-01\nsummary: Un accueil qui marche.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [accueil et établissement]\ncontact: immigration\n---\nLe texte.\n",
            fixed: "---\ntitle: Accueil des familles\ndate: 2024-03-01\nsummary: Un accueil qui marche.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [accueil et établissement]\ncontact: immigration@ville.example\n---\nLe texte.\n",
        }),
    }
    UrlFormat = "P0118" "url-format" {
        summary: ["une adresse web n’est pas complète", "a web address is not complete"],
        text: [
            "Ce champ attend une adresse web complète, qui commence par https:// (ou http://) : sans elle, le lien mènerait à une page du site lui-même.",
            "This field expects a full web address starting with https:// (or http://): without it, the link would lead to a page of the site itself.",
        ],
        example: Some(Example {
            file: CASE_STUDY,
            bad: "---\ntitle: Accueil des familles\ndate: 2024-03-01\nsummary: Un accueil qui marche.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [accueil et établissement]\nsources:\n  - title: Rapport annuel\n    url: www.ville.example/rapport\n---\nLe texte.\n",
            fixed: "---\ntitle: Accueil des familles\ndate: 2024-03-01\nsummary: Un accueil qui marche.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [accueil et établissement]\nsources:\n  - title: Rapport annuel\n    url: https://www.ville.example/rapport\n---\nLe texte.\n",
        }),
    }
    UnsupportedLang = "P0119" "unsupported-language" {
        summary: ["une page est dans une langue que le site ne connaît pas", "a page is in a language the site does not know"],
        text: [
            "`lang` choisit les textes de l’interface et les libellés des vocabulaires d’une page : seules les langues pour lesquelles le site les a sont acceptées (fr et en).",
            "`lang` picks a page's interface strings and vocabulary labels: only the languages the site has them for are accepted (fr and en).",
        ],
        example: Some(Example {
            file: CASE_STUDY,
            bad: "---\ntitle: Accueil des familles\ndate: 2024-03-01\nsummary: Un accueil qui marche.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [accueil et établissement]\nlang: français\n---\nLe texte.\n",
            fixed: "---\ntitle: Accueil des familles\ndate: 2024-03-01\nsummary: Un accueil qui marche.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [accueil et établissement]\nlang: fr\n---\nLe texte.\n",
        }),
    }
    SymlinkOutside = "P0120" "symlink-outside" {
        summary: ["un lien symbolique sort du site, tourne en rond ou ne mène nulle part", "a symbolic link leaves the site, loops or leads nowhere"],
        text: [
            "Passerelle suit les liens symboliques tant qu’ils restent dans le dossier du site : il ne publie jamais ce qui est ailleurs sur l’ordinateur. Copiez le fichier dans le site, ou supprimez le lien.",
            "Passerelle follows symbolic links while they stay inside the site's folder: it never publishes what lies elsewhere on the computer. Copy the file into the site, or remove the link.",
        ],
        example: None,
    }
    SameAddress = "P0121" "same-address" {
        summary: ["deux fichiers donnent la même adresse", "two files give the same address"],
        text: [
            "L’adresse d’une page vient du nom de son fichier, sans accents, casse ni espaces : « Été.md » et « ete.md » donnent tous deux /ete/. Renommez l’un des deux fichiers.",
            "A page's address comes from its file name, without accents, case or spaces: \"Été.md\" and \"ete.md\" both give /ete/. Rename one of the two files.",
        ],
        example: None,
    }
    ConfigUnreadable = "P0201" "config-unreadable" {
        summary: ["config.yaml est introuvable ou illisible", "config.yaml is missing or unreadable"],
        text: [
            "Un site Passerelle est un dossier qui contient config.yaml et content/. La commande a été lancée hors d’un site, ou le fichier ne peut pas être lu. `passerelle init DOSSIER` crée un site ; --root désigne le dossier du site.",
            "A Passerelle site is a folder holding config.yaml and content/. The command ran outside a site, or the file cannot be read. `passerelle init DIR` creates a site; --root names the site's folder.",
        ],
        example: None,
    }
    ConfigSyntax = "P0202" "config-syntax" {
        summary: ["config.yaml n’est pas du YAML valide, ou a un réglage inconnu", "config.yaml is not valid YAML, or has an unknown setting"],
        text: [
            "config.yaml est lu en entier avant tout le reste : une faute de syntaxe, un réglage mal orthographié ou une valeur du mauvais type arrête la construction. Passerelle propose le réglage le plus proche ; le README les décrit tous.",
            "config.yaml is read whole before anything else: a syntax error, a misspelt setting or a value of the wrong type stops the build. Passerelle suggests the closest setting; the README describes them all.",
        ],
        example: Some(Example { file: "config.yaml", bad: "paginat: 20\n", fixed: "paginate: 20\n" }),
    }
    ConfigLanguage = "P0203" "config-language" {
        summary: ["la langue du site n’est pas prise en charge", "the site's language is not supported"],
        text: [
            "`language` est la langue des pages du site ; le thème a ses textes en français (fr) et en anglais (en).",
            "`language` is the language of the site's pages; the theme has its strings in French (fr) and English (en).",
        ],
        example: Some(Example { file: "config.yaml", bad: "language: français\n", fixed: "language: fr\n" }),
    }
    ConfigLanguages = "P0215" "config-languages" {
        summary: ["la liste `languages` est mal formée", "the `languages` list is malformed"],
        text: [
            "`languages` nomme les langues du site, la langue par défaut d’abord (servie à la racine) ; chaque autre langue est servie sous `/<langue>/`. Chaque langue y figure une fois, et `language`, s’il est donné, doit en faire partie. Aucun segment d’adresse du site (section des études de cas, taxonomies) ne peut être un code de langue, qui prendrait la place de `/<langue>/`.",
            "`languages` names the site's languages, the default one first (served at the root); each other language is served under `/<lang>/`. Each language is listed once, and `language`, if given, must be one of them. No address segment of the site (the case studies' section, taxonomies) may be a language code, which would take the place of `/<lang>/`.",
        ],
        example: Some(Example { file: "config.yaml", bad: "languages: [fr, en, fr]\n", fixed: "languages: [fr, en]\n" }),
    }
    ConfigImages = "P0216" "config-images" {
        summary: ["un réglage du bloc `images:` n’a pas de sens", "a setting of the `images:` block makes no sense"],
        text: [
            "`images:` dit comment les images des études de cas sont publiées : les largeurs des copies réduites (`widths`, de 16 à 8 192 pixels), leur qualité (`quality`, de 1 à 100) et la taille au-delà de laquelle un fichier d’image est signalé (`warn_size_mb`, en mégaoctets).",
            "`images:` says how the images of case studies are published: the widths of the resized copies (`widths`, from 16 to 8,192 pixels), their quality (`quality`, from 1 to 100) and the size past which an image file is reported (`warn_size_mb`, in megabytes).",
        ],
        example: Some(Example { file: "config.yaml", bad: "images: {quality: 0}\n", fixed: "images: {quality: 80}\n" }),
    }
    ConfigLocalized = "P0217" "config-localized" {
        summary: ["le titre ou la description du site est mal formé", "the site's title or description is malformed"],
        text: [
            "`title` et `description` sont soit un texte, le même dans toutes les langues, soit un texte par langue du site, chacun sur sa ligne sous la clé de sa langue (`fr:`, `en:`). Chaque clé est une langue que Passerelle connaît (fr, en), et la langue par défaut en a une : les pages d’une langue sans texte à elle montrent celui de la langue par défaut.",
            "`title` and `description` are either one text, the same in every language, or one text per language of the site, each on its own line under its language's key (`fr:`, `en:`). Each key is a language Passerelle knows (fr, en), and the default language has one: the pages of a language without a text of its own show the default language's.",
        ],
        example: Some(Example { file: "config.yaml", bad: "title:\n  fr: Pratiques interculturelles\n  de: Interkulturelle Praktiken\n", fixed: "title:\n  fr: Pratiques interculturelles\n  en: Intercultural practices\n" }),
    }
    BaseUrl = "P0204" "base-url" {
        summary: ["l’adresse du site (`base_url`) n’est pas valide", "the site's address (`base_url`) is not valid"],
        text: [
            "`base_url` (ou --base-url) est écrite dans chaque lien du site : un chemin depuis la racine de l’hébergeur (`/`, `/pratiques/`) ou une adresse http(s) complète. Tout le reste (`javascript:`, `//autre.hote/`, guillemets, espaces) est refusé plutôt qu’échappé.",
            "`base_url` (or --base-url) is written into every link of the site: a path from the host's root (`/`, `/pratiques/`) or a full http(s) address. Anything else (`javascript:`, `//other.host/`, quotes, spaces) is refused rather than escaped.",
        ],
        example: Some(Example { file: "config.yaml", bad: "base_url: javascript:alert(1)\n", fixed: "base_url: /pratiques/\n" }),
    }
    Paginate = "P0205" "paginate" {
        summary: ["`paginate` vaut 0", "`paginate` is 0"],
        text: [
            "`paginate` est le nombre d’études de cas par page de liste ; il en faut au moins une.",
            "`paginate` is the number of case studies per list page; it must be at least one.",
        ],
        example: Some(Example { file: "config.yaml", bad: "paginate: 0\n", fixed: "paginate: 20\n" }),
    }
    ConfigContact = "P0206" "config-contact" {
        summary: ["l’adresse de contact du site n’est pas une adresse courriel", "the site's contact address is not an email address"],
        text: [
            "`contact` reçoit les propositions faites avec le formulaire /proposer/ : une adresse courriel générique (jamais celle d’une personne : Loi 25).",
            "`contact` receives what is proposed with the /proposer/ form: a role email address (never a person's: Law 25).",
        ],
        example: Some(Example { file: "config.yaml", bad: "contact: pratiques\n", fixed: "contact: pratiques@organisme.example\n" }),
    }
    ThemeName = "P0207" "theme-name" {
        summary: ["le thème nommé n’est pas un dossier de themes/", "the named theme is not a folder under themes/"],
        text: [
            "`theme` nomme un dossier de themes/ qui remplace des fichiers du thème par défaut ; ce doit être un simple nom de dossier, qui existe. Sans `theme`, le thème par défaut est utilisé.",
            "`theme` names a folder under themes/ that overrides files of the default theme; it must be a plain folder name, and exist. Without `theme`, the default theme is used.",
        ],
        example: Some(Example { file: "config.yaml", bad: "theme: ../autre\n", fixed: "theme: default\n" }),
    }
    NotASlug = "P0208" "not-a-slug" {
        summary: ["un segment d’adresse de config.yaml n’est pas un « slug »", "a URL segment in config.yaml is not a slug"],
        text: [
            "Section des études de cas, slugs des classements et identifiants des termes deviennent des parties d’adresses et de chemins de fichiers : seulement des lettres ASCII minuscules, des chiffres et des traits d’union simples. `../x` écrirait hors du dossier de sortie.",
            "The case studies' section, taxonomy slugs and term ids become parts of addresses and file paths: only lowercase ASCII letters, digits and single hyphens. `../x` would write outside the output folder.",
        ],
        example: Some(Example {
            file: "config.yaml",
            bad: "case_studies:\n  section: Études de cas\n",
            fixed: "case_studies:\n  section: etudes-de-cas\n",
        }),
    }
    SchemaCoreField = "P0209" "schema-core-field" {
        summary: ["le schéma ne déclare pas `title`, `date` ou `summary`", "the schema does not declare `title`, `date` or `summary`"],
        text: [
            "Toute étude de cas a un titre, une date et un résumé : les listes, les fils et la recherche les affichent. Déclarez-les sous `fields` dans config.yaml.",
            "Every case study has a title, a date and a summary: lists, feeds and search show them. Declare them under `fields` in config.yaml.",
        ],
        example: None,
    }
    Taxonomy = "P0210" "taxonomy" {
        summary: ["un classement porte sur un champ inconnu ou reprend un slug", "a taxonomy is on an unknown field or reuses a slug"],
        text: [
            "Chaque classement (`taxonomies`) porte sur un champ déclaré sous `fields` et a son propre slug, distinct de la section des études de cas : deux classements au même slug écriraient aux mêmes adresses.",
            "Each taxonomy is on a field declared under `fields` and has its own slug, different from the case studies' section: two taxonomies with one slug would write to the same addresses.",
        ],
        example: Some(Example {
            file: "config.yaml",
            bad: "taxonomies:\n  - {field: region, slug: regions}\n  - {field: theme, slug: themes}\n",
            fixed: "taxonomies:\n  - {field: region, slug: regions}\n  - {field: themes, slug: themes}\n",
        }),
    }
    DuplicateTerm = "P0211" "vocabulary-duplicate" {
        summary: ["deux termes d’un vocabulaire se confondent", "two terms of a vocabulary read the same"],
        text: [
            "Une valeur se compare aux identifiants, codes, libellés et alias des termes sans tenir compte de la casse, des accents ni des tirets : deux termes qui s’écrivent pareil rendraient la valeur ambiguë. Faites-les différer.",
            "A value is compared with the terms' ids, codes, labels and aliases ignoring case, accents and dashes: two terms that read the same would make a value ambiguous. Make them differ.",
        ],
        example: Some(Example {
            file: "config.yaml",
            bad: "vocabularies:\n  status:\n    - {id: planifie, fr: planifié, en: planned}\n    - {id: planifie, fr: prévu, en: scheduled}\n",
            fixed: "vocabularies:\n  status:\n    - {id: planifie, fr: planifié, en: planned}\n    - {id: prevu, fr: prévu, en: scheduled}\n",
        }),
    }
    UnknownVocabulary = "P0212" "unknown-vocabulary" {
        summary: ["un champ nomme un vocabulaire qui n’existe pas", "a field names a vocabulary that does not exist"],
        text: [
            "Un champ `type: vocabulary` prend ses valeurs dans une liste déclarée sous `vocabularies` ; `vocabulary: NOM` doit en nommer une.",
            "A `type: vocabulary` field takes its values from a list declared under `vocabularies`; `vocabulary: NAME` must name one.",
        ],
        example: Some(Example {
            file: "config.yaml",
            bad: "fields:\n  region:\n    vocabulary: region\n",
            fixed: "fields:\n  region:\n    vocabulary: regions\n",
        }),
    }
    JsonLdRole = "P0213" "json-ld-role" {
        summary: ["un rôle `json_ld` est inconnu ou mal placé", "a `json_ld` role is unknown or misplaced"],
        text: [
            "`json_ld` dit ce qu’un champ représente dans les données structurées (schema.org) des pages : chaque rôle a sa place (un champ de l’étude de cas, ou un sous-champ de `funding` ou `period`), un type de champ qui lui convient, et la plupart ne vont qu’à un seul champ.",
            "`json_ld` says what a field stands for in the pages' structured data (schema.org): each role has its place (a case study's field, or a sub-field of `funding` or `period`), a field type that fits it, and most go to one field only.",
        ],
        example: Some(Example {
            file: "config.yaml",
            bad: "fields:\n  mrc:\n    json_ld: aera\n",
            fixed: "fields:\n  mrc:\n    json_ld: area\n",
        }),
    }
    FieldBounds = "P0214" "field-bounds" {
        summary: ["les bornes `min`/`max` d’un champ ne vont pas", "a field's `min`/`max` bounds do not fit"],
        text: [
            "`min` et `max` bornent les champs `integer` et `number` : des nombres finis, entiers pour un `integer`, et `min` au plus égal à `max`.",
            "`min` and `max` bound `integer` and `number` fields: finite numbers, whole for an `integer`, and `min` no greater than `max`.",
        ],
        example: Some(Example {
            file: "config.yaml",
            bad: "fields:\n  population:\n    min: 10000000000\n    max: 0\n",
            fixed: "fields:\n  population:\n    min: 0\n    max: 10000000000\n",
        }),
    }
    MissingLink = "P0301" "missing-link" {
        summary: ["un lien mène à un fichier qui n’existe pas", "a link leads to a file that does not exist"],
        text: [
            "Un lien relatif du texte (`[bilan](bilan.md)`, une image) doit mener à un fichier de content/ ; il est relatif au dossier de la page. Passerelle le vérifie pour qu’aucun lecteur ne tombe sur une page introuvable.",
            "A relative link in the text (`[report](report.md)`, an image) must lead to a file under content/; it is relative to the page's folder. Passerelle checks it so that no reader lands on a missing page.",
        ],
        example: Some(Example {
            file: CASE_STUDY,
            bad: "---\ntitle: Accueil des familles\ndate: 2024-03-01\nsummary: Un accueil qui marche.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [accueil et établissement]\n---\nVoir [le bilan](bilan.md).\n",
            fixed: "---\ntitle: Accueil des familles\ndate: 2024-03-01\nsummary: Un accueil qui marche.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [accueil et établissement]\n---\nVoir le bilan.\n",
        }),
    }
    PageTooLarge = "P0302" "page-too-large" {
        summary: ["une page est trop grande pour être publiée", "a page is too large to publish"],
        text: [
            "Le texte d’une page, son HTML, ses tableaux et son HTML brut ont des limites (16 Mo de texte, 64 Mo de HTML, 100 000 cellules) : au-delà, aucun lecteur ne lit la page et la construction ralentirait. Découpez-la, ou mettez les données dans un fichier CSV lié.",
            "A page's text, HTML, tables and raw HTML have limits (16 MB of text, 64 MB of HTML, 100,000 cells): beyond them no reader reads the page and the build would slow down. Split it, or put the data in a linked CSV file.",
        ],
        example: None,
    }
    ActiveFile = "P0303" "active-file" {
        summary: ["un fichier HTML ou SVG pourrait exécuter des scripts", "an HTML or SVG file could run scripts"],
        text: [
            "Tant que `trust_html` est `false`, Passerelle ne publie ni fichier HTML, ni SVG qui contient des scripts ou des gestionnaires d’événements : un navigateur les exécuterait au nom du site. Publiez l’image en PNG ou JPEG, ou un SVG sans script ; ou mettez `trust_html: true` si tous les auteurs du site sont de confiance.",
            "While `trust_html` is `false`, Passerelle publishes no HTML file, nor an SVG holding scripts or event handlers: a browser would run them in the site's name. Publish the image as PNG or JPEG, or an SVG without scripts; or set `trust_html: true` if every author of the site is trusted.",
        ],
        example: Some(Example {
            file: "content/etudes-de-cas/logo.svg",
            bad: "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>\n",
            fixed: "<svg xmlns=\"http://www.w3.org/2000/svg\"><circle cx=\"5\" cy=\"5\" r=\"4\"/></svg>\n",
        }),
    }
    ImageMissing = "P0304" "image-missing" {
        summary: ["une image montrée par une page n’existe pas", "an image a page shows does not exist"],
        text: [
            "Une image (`![texte](photo.jpg)` ou le champ `image:`) désigne un fichier qui n’est pas dans content/. Le chemin part du dossier du fichier Markdown. Passerelle nomme les images du dossier, la plus proche d’abord : souvent une faute de frappe ou une extension (.jpeg, .JPG).",
            "An image (`![text](photo.jpg)` or the `image:` field) names a file that is not in content/. The path starts from the Markdown file's folder. Passerelle names the images of that folder, the closest first: often a typo or an extension (.jpeg, .JPG).",
        ],
        example: Some(Example { file: CASE_STUDY, bad: concat!(good_case_study!(), "![Une famille à la gare](absente.jpg)\n"), fixed: good_case_study!() }),
    }
    ImageAlt = "P0305" "image-alt" {
        summary: ["une image n’a pas de texte de remplacement", "an image has no alt text"],
        text: [
            "Un lecteur d’écran ne dit rien d’une image sans texte de remplacement, ou lit son nom de fichier (WCAG 1.1.1, contenu non textuel). Écrivez ce que l’image montre entre les crochets, ou `image_alt:` pour l’image de couverture. Une image qui n’ajoute rien au texte est marquée décorative par son titre : `![](photo.jpg \"décorative\")`.",
            "A screen reader says nothing of an image with no alt text, or reads its file name (WCAG 1.1.1, non-text content). Write what the image shows between the brackets, or `image_alt:` for the cover image. An image that adds nothing to the text is marked decorative by its title: `![](photo.jpg \"decorative\")`.",
        ],
        example: None,
    }
    ImageLarge = "P0306" "image-large" {
        summary: ["un fichier d’image est très lourd", "an image file is very large"],
        text: [
            "Les lecteurs ne téléchargent que les copies réduites, mais l’original pèse sur le dépôt et sur chaque construction à froid. Exportez-le à 2 000 ou 3 000 pixels de large (JPEG qualité 85) avant de l’ajouter, ou relevez `images: {warn_size_mb: …}` dans config.yaml.",
            "Readers download only the resized copies, but the original weighs on the repository and on every cold build. Export it at 2,000 to 3,000 pixels wide (JPEG quality 85) before adding it, or raise `images: {warn_size_mb: …}` in config.yaml.",
        ],
        example: None,
    }
    ImageUnreadable = "P0307" "image-unreadable" {
        summary: ["un fichier d’image ne peut pas être lu comme une image", "an image file cannot be read as an image"],
        text: [
            "Le fichier porte une extension d’image (.jpg, .png, .webp) mais son contenu n’est pas une image lisible : fichier tronqué, autre format renommé, ou fichier abîmé. Ouvrez-le dans un éditeur d’images et exportez-le de nouveau en JPEG, PNG ou WebP, ou remplacez-le.",
            "The file has an image extension (.jpg, .png, .webp) but its content is not a readable image: a truncated file, another format renamed, or a damaged file. Open it in an image editor and export it again as JPEG, PNG or WebP, or replace it.",
        ],
        example: None,
    }
    CoverExternal = "P0308" "cover-external" {
        summary: ["l’image de couverture est une adresse d’un autre site", "the cover image is an address on another site"],
        text: [
            "Le site ne charge rien d’un autre site dans le navigateur des lecteurs (Loi 25 : aucune donnée de lecture ne part vers un tiers). Enregistrez l’image à côté de l’étude de cas et écrivez son nom de fichier : `image: photo.jpg`.",
            "The site loads nothing from another site in readers' browsers (Law 25: no reading data goes to a third party). Save the image next to the case study and write its file name: `image: photo.jpg`.",
        ],
        example: Some(Example { file: CASE_STUDY, bad: "---\ntitle: Accueil des familles\ndate: 2024-03-01\nsummary: Un accueil qui marche.\nmunicipality: Sherbrooke\nregion: Estrie\nthemes: [accueil et établissement]\nimage: https://exemple.org/photo.jpg\nimage_alt: Une famille à la gare\n---\nLe texte.\n", fixed: good_case_study!() }),
    }
    ThemeFile = "P0401" "theme-file" {
        summary: ["un fichier du thème est illisible ou mal formé", "a theme file is unreadable or malformed"],
        text: [
            "Les gabarits, fichiers statiques et textes d’interface (i18n/fr.yaml, i18n/en.yaml) du thème doivent être lisibles, en UTF-8, et les textes d’interface des lignes `clé: texte`.",
            "The theme's templates, static files and interface strings (i18n/fr.yaml, i18n/en.yaml) must be readable, UTF-8, and the strings `key: text` lines.",
        ],
        example: None,
    }
    Template = "P0402" "template" {
        summary: ["un gabarit Tera a une erreur", "a Tera template has an error"],
        text: [
            "Un gabarit du thème (templates/) ne se compile pas ou échoue en produisant une page. Le message de Tera dit quoi, à quelle ligne ; la syntaxe est décrite sur https://keats.github.io/tera/.",
            "A theme template (templates/) does not compile or fails while making a page. Tera's message says what, on which line; the syntax is described at https://keats.github.io/tera/.",
        ],
        example: None,
    }
    CannotWrite = "P0501" "cannot-write" {
        summary: ["un fichier de sortie ne peut pas être écrit", "an output file cannot be written"],
        text: [
            "Passerelle n’a pas pu écrire dans le dossier de sortie : disque plein, droits d’accès, ou dossier en lecture seule. Le site publié précédemment n’a pas été modifié.",
            "Passerelle could not write into the output folder: a full disk, permissions, or a read-only folder. The previously published site was not changed.",
        ],
        example: None,
    }
    OutputNotOurs = "P0502" "output-not-ours" {
        summary: ["le dossier de sortie contient un fichier que Passerelle n’a pas écrit", "the output folder holds a file Passerelle did not write"],
        text: [
            "Passerelle ne remplace ni ne supprime que les fichiers qu’il a écrits lui-même. Un fichier déposé à la main là où une page doit aller bloque la construction plutôt que d’être écrasé. Déplacez-le hors du dossier de sortie.",
            "Passerelle replaces or deletes only files it wrote itself. A file put by hand where a page must go stops the build rather than being overwritten. Move it out of the output folder.",
        ],
        example: None,
    }
    OutputClash = "P0503" "output-clash" {
        summary: ["deux sources produiraient le même fichier de sortie", "two sources would make the same output file"],
        text: [
            "Chaque fichier du site publié vient d’une seule source : une page, un fichier de content/, un fichier du thème, une page générée (recherche, statistiques, classements). Deux sources au même chemin, ou un nom de fichier sans lettre ni chiffre, sont refusés. Renommez ou déplacez le fichier signalé.",
            "Each file of the published site comes from one source: a page, a file of content/, a theme file, a generated page (search, statistics, taxonomies). Two sources at one path, or a file name without a letter or digit, are refused. Rename or move the file reported.",
        ],
        example: None,
    }
    MoreNotShown = "P0901" "more-not-shown" {
        summary: ["d’autres problèmes du même fichier ne sont pas affichés", "more problems of the same file are not shown"],
        text: [
            "Au-delà de 50 problèmes dans un fichier, le rapport les compte au lieu de les lister : une seule faute en cause souvent beaucoup. Corrigez les premiers et relancez la vérification ; `passerelle check --format json` les liste tous.",
            "Beyond 50 problems in one file, the report counts them instead of listing them: one mistake often causes many. Fix the first ones and check again; `passerelle check --format json` lists them all.",
        ],
        example: None,
    }
}

texts! {
    // ---- reading content (load.rs) ----
    CANNOT_READ: FileUnreadable {
        en: "cannot read: {reason}",
        fr: "lecture impossible : {reason}",
    }
    FILE_TOO_LARGE: FileUnreadable {
        en: "file is too large ({size} bytes)",
        fr: "fichier trop gros ({size} octets)",
    }
    HINT_SPLIT_FILE {
        en: "split it into several case studies; the limit is 32 MB",
        fr: "découpez-le en plusieurs études de cas ; la limite est de 32 Mo",
    }
    HINT_CHECK_PERMISSIONS {
        en: "check the file's permissions",
        fr: "vérifiez les droits d’accès du fichier",
    }
    HINT_CHECK_READABLE {
        en: "check that the file exists and can be read",
        fr: "vérifiez que le fichier existe et peut être lu",
    }
    CONTENT_MISSING: ContentMissing {
        en: "the content folder is missing",
        fr: "le dossier content/ est absent",
    }
    HINT_CREATE_CONTENT {
        en: "create `content/` and put the case studies in it",
        fr: "créez `content/` et mettez-y les études de cas",
    }
    NOT_UTF8: NotUtf8 {
        en: "the file is not valid UTF-8 text",
        fr: "le fichier n’est pas du texte UTF-8 valide",
    }
    HINT_SAVE_UTF8 {
        en: "save the file with UTF-8 encoding in your editor",
        fr: "enregistrez le fichier avec l’encodage UTF-8 dans votre éditeur",
    }
    EMPTY_FILE: EmptyFile {
        en: "the file is empty",
        fr: "le fichier est vide",
    }
    HINT_EMPTY_FILE {
        en: "start it with front matter between `---` lines (run `passerelle new` for a template)",
        fr: "commencez-le par un en-tête entre deux lignes `---` (`passerelle new` en crée un modèle)",
    }
    NO_FRONT_MATTER: NoFrontMatter {
        en: "missing front matter",
        fr: "en-tête absent",
    }
    HINT_NO_FRONT_MATTER {
        en: "the file must start with a `---` line, then the fields (title, date, …), then another `---` line",
        fr: "le fichier doit commencer par une ligne `---`, puis les champs (title, date, …), puis une autre ligne `---`",
    }
    UNCLOSED_FRONT_MATTER: UnclosedFrontMatter {
        en: "the front matter is never closed",
        fr: "l’en-tête n’est jamais fermé",
    }
    HINT_CLOSE_FRONT_MATTER {
        en: "add a line with `---` after the last field, before the text",
        fr: "ajoutez une ligne `---` après le dernier champ, avant le texte",
    }
    SYMLINK_OUTSIDE: SymlinkOutside {
        en: "this symbolic link points outside the site's folder, to {target}",
        fr: "ce lien symbolique mène hors du dossier du site, vers {target}",
    }
    HINT_SYMLINK_OUTSIDE {
        en: "copy the file into the site instead: Passerelle never publishes what lies outside it",
        fr: "copiez plutôt le fichier dans le site : Passerelle ne publie jamais ce qui est hors du site",
    }
    SYMLINK_BROKEN: SymlinkOutside {
        en: "cannot follow this symbolic link: {reason}",
        fr: "impossible de suivre ce lien symbolique : {reason}",
    }
    HINT_SYMLINK_BROKEN {
        en: "this symbolic link points to nothing; remove it",
        fr: "ce lien symbolique ne mène nulle part ; supprimez-le",
    }
    HINT_SYMLINK_LOOP {
        en: "this symbolic link points to one of its own parent folders; remove it",
        fr: "ce lien symbolique mène à l’un de ses propres dossiers parents ; supprimez-le",
    }
    SAME_ADDRESS: SameAddress {
        en: "same address `/{url}` as `{other}`",
        fr: "même adresse `/{url}` que `{other}`",
    }
    HINT_SAME_ADDRESS {
        en: "rename one of the two files: file names that differ only by accents, case or spaces give the same URL",
        fr: "renommez l’un des deux fichiers : des noms qui ne diffèrent que par les accents, la casse ou les espaces donnent la même adresse",
    }

    // ---- YAML (yaml.rs), front matter and config.yaml alike ----
    YAML_TOO_DEEP {
        en: "lists or fields are nested more than {max} levels deep",
        fr: "listes ou champs imbriqués sur plus de {max} niveaux",
    }
    HINT_YAML_TOO_DEEP {
        en: "flatten the structure: a field holds a value, a list, or a list of fields",
        fr: "aplatissez la structure : un champ contient une valeur, une liste, ou une liste de champs",
    }
    YAML_PARSER {
        en: "{reason}",
        fr: "{reason} (message de l’analyseur YAML)",
    }
    HINT_YAML_ALIASES {
        en: "the YAML repeats aliases (`&name` / `*name`) too many times; write the values out instead",
        fr: "le YAML répète trop de fois des alias (`&nom` / `*nom`) ; écrivez plutôt les valeurs",
    }
    HINT_YAML_RECURSION {
        en: "the YAML nests lists or fields too deeply; flatten it",
        fr: "le YAML imbrique trop profondément listes ou champs ; aplatissez-le",
    }
    WRITTEN_TWICE: DuplicateField {
        en: "`{key}` is written twice (first on line {line})",
        fr: "`{key}` est écrit deux fois (d’abord à la ligne {line})",
    }
    HINT_WRITTEN_TWICE {
        en: "keep one `{key}:` line and remove the other",
        fr: "gardez une seule ligne `{key}:` et supprimez l’autre",
    }

    // ---- front matter (validate.rs) ----
    INVALID_YAML: YamlSyntax {
        en: "invalid YAML in front matter: {reason}",
        fr: "YAML non valide dans l’en-tête : {reason}",
    }
    HINT_INVALID_YAML {
        en: "check indentation, and quote values that contain `:` or start with `[`, `{{`, `*`, `&`, `!`, `|`, `>` or `#`",
        fr: "vérifiez l’indentation, et mettez entre guillemets les valeurs qui contiennent `:` ou commencent par `[`, `{{`, `*`, `&`, `!`, `|`, `>` ou `#`",
    }
    NOT_A_MAPPING: FrontMatterShape {
        en: "the front matter must be a list of `field: value` lines",
        fr: "l’en-tête doit être une suite de lignes `champ: valeur`",
    }
    HINT_NOT_A_MAPPING {
        en: "write one field per line, e.g. `title: Mon initiative`",
        fr: "écrivez un champ par ligne, p. ex. `title: Mon initiative`",
    }
    FIELD_NAME_NOT_TEXT: FrontMatterShape {
        en: "a field name must be plain text",
        fr: "un nom de champ doit être du texte simple",
    }
    HINT_FIELD_NAME_NOT_TEXT {
        en: "write `name: value`",
        fr: "écrivez `nom: valeur`",
    }
    UNKNOWN_FIELD: UnknownField {
        en: "unknown field `{key}` is ignored",
        fr: "champ inconnu `{key}`, ignoré",
    }
    HINT_DID_YOU_MEAN {
        en: "did you mean `{suggestion}`?",
        fr: "vouliez-vous dire `{suggestion}` ?",
    }
    HINT_KNOWN_FIELDS {
        en: "known fields: {names}",
        fr: "champs connus : {names}",
    }
    REPEATS_FIELD: DuplicateField {
        en: "`{key}` repeats the field `{previous}`",
        fr: "`{key}` répète le champ `{previous}`",
    }
    HINT_REPEATS_FIELD {
        en: "keep only one of them (both mean `{name}`)",
        fr: "n’en gardez qu’un (les deux veulent dire `{name}`)",
    }
    REQUIRED_MISSING: MissingField {
        en: "required field is missing",
        fr: "champ obligatoire absent",
    }
    HINT_ADD_FIELD {
        en: "add `{name}:` to the front matter",
        fr: "ajoutez `{name}:` à l’en-tête",
    }
    HINT_ADD_FIELD_EXAMPLE {
        en: "add `{name}:` to the front matter, e.g. `{name}: {example}`",
        fr: "ajoutez `{name}:` à l’en-tête, p. ex. `{name}: {example}`",
    }
    NEEDS_A_VALUE: MissingField {
        en: "needs at least one value",
        fr: "il faut au moins une valeur",
    }
    HINT_NEEDS_A_VALUE {
        en: "write `[value, …]` or one value per line starting with `- `",
        fr: "écrivez `[valeur, …]` ou une valeur par ligne commençant par `- `",
    }
    UNSUPPORTED_LANG: UnsupportedLang {
        en: "unsupported language `{lang}`",
        fr: "langue non prise en charge : « {lang} »",
    }
    HINT_PAGE_LANGS {
        en: "write one of: {langs} (the languages the site has interface strings and labels for)",
        fr: "écrivez l’une de celles-ci : {langs} (les langues dont le site a les textes d’interface et les libellés)",
    }
    ONE_VALUE_NOT_LIST: WrongType {
        en: "expected one value, found a list",
        fr: "une seule valeur attendue, mais c’est une liste",
    }
    HINT_ONE_VALUE {
        en: "keep a single value for this field",
        fr: "ne gardez qu’une valeur pour ce champ",
    }
    IS_EMPTY: EmptyValue {
        en: "is empty",
        fr: "est vide",
    }
    HINT_GIVE_VALUE {
        en: "give it a value or remove the line",
        fr: "donnez-lui une valeur ou supprimez la ligne",
    }
    HINT_WRITE_TEXT {
        en: "write some text",
        fr: "écrivez un texte",
    }
    HINT_WRITE_NAME {
        en: "write a name",
        fr: "écrivez un nom",
    }
    EMAIL: EmailFormat {
        en: "expected an email address, found {found}",
        fr: "adresse courriel attendue, trouvé : {found}",
    }
    HINT_EMAIL {
        en: "use a role address such as immigration@ville.example (never a person's address: Law 25)",
        fr: "donnez une adresse de service comme immigration@ville.example (jamais celle d’une personne : Loi 25)",
    }
    URL: UrlFormat {
        en: "expected a web address, found {found}",
        fr: "adresse web attendue, trouvé : {found}",
    }
    HINT_URL {
        en: "write a full address starting with https://",
        fr: "écrivez une adresse complète, qui commence par https://",
    }
    EXPECTED_FIELDS: WrongType {
        en: "expected fields ({names}), found {found}",
        fr: "sous-champs attendus ({names}), trouvé : {found}",
    }
    HINT_EXPECTED_FIELDS {
        en: "write them indented under the field, e.g. `{first}: …`",
        fr: "écrivez-les en retrait sous le champ, p. ex. `{first}: …`",
    }
    UNKNOWN_VALUE: UnknownValue {
        en: "unknown value `{value}`",
        fr: "valeur inconnue : « {value} »",
    }
    HINT_ACCEPTED_VALUES {
        en: "accepted values: {values}",
        fr: "valeurs acceptées : {values}",
    }
    NOT_FINITE: NumberRange {
        en: "expected a number, found `{found}`, which is not a finite number",
        fr: "nombre attendu, trouvé « {found} », qui n’est pas un nombre fini",
    }
    HINT_NOT_FINITE {
        en: "write it in digits, e.g. 643000, or remove the line",
        fr: "écrivez-le en chiffres, p. ex. 643000, ou supprimez la ligne",
    }
    OUT_OF_RANGE: NumberRange {
        en: "expected {kind} from {min} to {max}, found `{found}`",
        fr: "{kind} de {min} à {max} attendu, trouvé « {found} »",
    }
    HINT_NEGATIVE {
        en: "a negative value is not allowed here",
        fr: "une valeur négative n’est pas permise ici",
    }
    HINT_DIGITS_EXAMPLE {
        en: "check the number of digits, e.g. {example}",
        fr: "vérifiez le nombre de chiffres, p. ex. {example}",
    }
    HINT_DIGITS {
        en: "check the number of digits",
        fr: "vérifiez le nombre de chiffres",
    }
    MISMATCH: WrongType {
        en: "expected {expected}, found {found}",
        fr: "attendu : {expected} ; trouvé : {found}",
    }
    HINT_CORRECT_VALUE {
        en: "correct the value",
        fr: "corrigez la valeur",
    }
    // What a value is expected to be, and what it was (for MISMATCH and others).
    KIND_WHOLE {
        en: "a whole number",
        fr: "nombre entier",
    }
    KIND_NUMBER {
        en: "a number",
        fr: "nombre",
    }
    EXPECT_TEXT {
        en: "text",
        fr: "du texte",
    }
    EXPECT_DATE {
        en: "a date",
        fr: "une date",
    }
    EXPECT_BOOL {
        en: "`true` or `false`",
        fr: "`true` ou `false`",
    }
    EXPECT_VOCABULARY {
        en: "a value from the list",
        fr: "une valeur de la liste",
    }
    EXPECT_WHOLE {
        en: "a whole number (digits only, e.g. 15000)",
        fr: "un nombre entier (en chiffres, p. ex. 15000)",
    }
    EXPECT_NUMBER {
        en: "a number (digits only, e.g. 643000)",
        fr: "un nombre (en chiffres, p. ex. 643000)",
    }
    FOUND_NOTHING {
        en: "nothing",
        fr: "rien",
    }
    FOUND_CODE {
        en: "`{value}`",
        fr: "`{value}`",
    }
    FOUND_NUMBER {
        en: "the number `{value}`",
        fr: "le nombre {value}",
    }
    FOUND_TEXT {
        en: "`{value}`",
        fr: "« {value} »",
    }
    FOUND_LIST {
        en: "a list",
        fr: "une liste",
    }
    FOUND_FIELDS {
        en: "nested fields",
        fr: "des sous-champs",
    }
    // Dates.
    DATE: DateFormat {
        en: "expected a date as YYYY-MM-DD, found `{found}`",
        fr: "date attendue au format AAAA-MM-JJ, trouvé « {found} »",
    }
    DATE_NO_MONTH: DateFormat {
        en: "expected a date as YYYY-MM-DD, found `{found}`: there is no month {month}",
        fr: "date attendue au format AAAA-MM-JJ, trouvé « {found} » : il n’y a pas de mois {month}",
    }
    DATE_MONTH_DAYS: DateFormat {
        en: "expected a date as YYYY-MM-DD, found `{found}`: month {month} of {year} has {days} days",
        fr: "date attendue au format AAAA-MM-JJ, trouvé « {found} » : le mois {month} de {year} a {days} jours",
    }
    DATE_NO_DAY_ZERO: DateFormat {
        en: "expected a date as YYYY-MM-DD, found `{found}`: there is no day 00",
        fr: "date attendue au format AAAA-MM-JJ, trouvé « {found} » : il n’y a pas de jour 00",
    }
    HINT_DATE_TRAILING {
        en: "remove `{rest}` after the date: write {date}",
        fr: "supprimez « {rest} » après la date : écrivez {date}",
    }
    HINT_DATE_MONTH {
        en: "write the month from 01 to 12, e.g. 2022-03-15",
        fr: "écrivez le mois de 01 à 12, p. ex. 2022-03-15",
    }
    HINT_DATE_LAST_DAY {
        en: "write the last day as {date}, or check the month",
        fr: "écrivez le dernier jour, {date}, ou vérifiez le mois",
    }
    HINT_DATE_FIRST_DAY {
        en: "write the first day as {date}",
        fr: "écrivez le premier jour, {date}",
    }
    HINT_DATE_CORRECTED {
        en: "write {date} (year-month-day, two digits for the month and the day)",
        fr: "écrivez {date} (année-mois-jour, deux chiffres pour le mois et le jour)",
    }
    HINT_DATE_FORMAT {
        en: "write the date as year-month-day, e.g. 2022-03-15",
        fr: "écrivez la date sous la forme année-mois-jour, p. ex. 2022-03-15",
    }

    // ---- config.yaml (config.rs) ----
    CONFIG_UNREADABLE: ConfigUnreadable {
        en: "cannot read the site configuration: {reason}",
        fr: "lecture impossible de la configuration du site : {reason}",
    }
    HINT_CONFIG_UNREADABLE {
        en: "run `passerelle init DIR` to create a site, or pass --root with the folder that holds config.yaml",
        fr: "lancez `passerelle init DOSSIER` pour créer un site, ou donnez avec --root le dossier qui contient config.yaml",
    }
    UNKNOWN_SETTING: ConfigSyntax {
        en: "unknown setting `{key}`",
        fr: "réglage inconnu : `{key}`",
    }
    HINT_CONFIG_README {
        en: "fix config.yaml; the README lists every setting",
        fr: "corrigez config.yaml ; le README décrit chaque réglage",
    }
    CONFIG_LANGUAGE: ConfigLanguage {
        en: "unsupported language `{lang}`",
        fr: "langue non prise en charge : « {lang} »",
    }
    LANGUAGE_TWICE: ConfigLanguages {
        en: "language `{lang}` is listed twice",
        fr: "la langue « {lang} » est nommée deux fois",
    }
    HINT_LANGUAGE_ONCE {
        en: "name each language once, the default one first: `languages: [fr, en]`",
        fr: "nommez chaque langue une fois, celle par défaut d’abord : `languages: [fr, en]`",
    }
    LANGUAGE_NOT_LISTED: ConfigLanguages {
        en: "`language: {lang}` is not one of `languages`",
        fr: "`language: {lang}` ne fait pas partie de `languages`",
    }
    HINT_LANGUAGE_FIRST {
        en: "add `{lang}` first to `languages`, or remove the `language:` line: the first of `languages` is then the default",
        fr: "ajoutez `{lang}` en tête de `languages`, ou retirez la ligne `language:` : la première de `languages` est alors la langue par défaut",
    }
    SEGMENT_IS_LANGUAGE: ConfigLanguages {
        en: "`{segment}` is a language code",
        fr: "« {segment} » est un code de langue",
    }
    HINT_SEGMENT_IS_LANGUAGE {
        en: "the pages in `{segment}` are served under `/{segment}/`: choose another address segment",
        fr: "les pages de la langue « {segment} » sont servies sous `/{segment}/` : choisissez un autre segment d’adresse",
    }
    IMAGES_NO_WIDTH: ConfigImages {
        en: "lists no width",
        fr: "aucune largeur n’est donnée",
    }
    HINT_IMAGES_WIDTHS {
        en: "list the widths in pixels to publish each image at, e.g. [480, 960, 1600]",
        fr: "donnez les largeurs en pixels auxquelles publier chaque image, p. ex. [480, 960, 1600]",
    }
    IMAGES_WIDTH_RANGE: ConfigImages {
        en: "width {width} is not from {low} to {high} pixels",
        fr: "la largeur {width} n’est pas entre {low} et {high} pixels",
    }
    HINT_IMAGES_WIDTH_RANGE {
        en: "use widths such as 480, 960 and 1600",
        fr: "choisissez des largeurs comme 480, 960 et 1600",
    }
    IMAGES_QUALITY: ConfigImages {
        en: "quality {quality} is not from 1 to 100",
        fr: "la qualité {quality} n’est pas entre 1 et 100",
    }
    HINT_IMAGES_QUALITY {
        en: "80 keeps photos sharp at a quarter of their size; 100 is the largest file",
        fr: "80 garde les photos nettes au quart de leur poids ; 100 donne le plus gros fichier",
    }
    IMAGES_WARN_SIZE: ConfigImages {
        en: "must be a number of megabytes greater than 0",
        fr: "doit être un nombre de mégaoctets plus grand que 0",
    }
    HINT_IMAGES_WARN_SIZE {
        en: "e.g. 5: an image file larger than that is reported with its size",
        fr: "p. ex. 5 : un fichier d’image plus lourd est signalé avec son poids",
    }
    IMAGE_MISSING: ImageMissing {
        en: "image `{path}` is missing",
        fr: "l’image « {path} » est introuvable",
    }
    COVER_MISSING: ImageMissing {
        en: "cover image `{path}` is missing",
        fr: "l’image de couverture « {path} » est introuvable",
    }
    HINT_IMAGE_FOLDER_EMPTY {
        en: "put the image in `{folder}` (paths are relative to this file's folder), or fix the path; that folder holds no image",
        fr: "placez l’image dans `{folder}` (les chemins partent du dossier de ce fichier), ou corrigez le chemin ; ce dossier ne contient aucune image",
    }
    HINT_IMAGE_NEARBY {
        en: "check the file name (paths are relative to this file's folder); images in `{folder}`: {names}",
        fr: "vérifiez le nom du fichier (les chemins partent du dossier de ce fichier) ; images dans `{folder}` : {names}",
    }
    IMAGE_NO_ALT: ImageAlt {
        en: "this image has no alt text: a screen reader says nothing of it, or reads its file name (WCAG 1.1.1, non-text content)",
        fr: "cette image n’a pas de texte de remplacement : un lecteur d’écran n’en dit rien, ou lit son nom de fichier (WCAG 1.1.1, contenu non textuel)",
    }
    HINT_IMAGE_NO_ALT {
        en: "say what the image shows between the brackets: `![Volunteers welcome a family](photo.jpg)`; for an image that adds nothing to the text, mark it decorative with the title \"decorative\": `![](photo.jpg \"decorative\")`",
        fr: "dites ce que l’image montre entre les crochets : `![Des bénévoles accueillent une famille](photo.jpg)` ; pour une image qui n’ajoute rien au texte, marquez-la décorative par son titre : `![](photo.jpg \"décorative\")`",
    }
    COVER_NO_ALT: ImageAlt {
        en: "the cover image has no `image_alt`: screen readers say nothing of it on the cards and at the top of the page (WCAG 1.1.1, non-text content)",
        fr: "l’image de couverture n’a pas d’`image_alt` : les lecteurs d’écran n’en disent rien sur les cartes ni en haut de la page (WCAG 1.1.1, contenu non textuel)",
    }
    HINT_COVER_NO_ALT {
        en: "add `image_alt:` with a sentence that says what the image shows, e.g. `image_alt: Volunteers welcome a family at the station`",
        fr: "ajoutez `image_alt:` avec une phrase qui dit ce que l’image montre, p. ex. `image_alt: Des bénévoles accueillent une famille à la gare`",
    }
    IMAGE_LARGE: ImageLarge {
        en: "image `{path}` weighs {size} (more than {limit})",
        fr: "l’image « {path} » pèse {size} (plus de {limit})",
    }
    HINT_IMAGE_LARGE {
        en: "readers download only the resized copies, but the original weighs on the repository and on every cold build: export it at 2,000 to 3,000 pixels wide (JPEG quality 85) before adding it, or raise `images: {{warn_size_mb: …}}` in config.yaml",
        fr: "les lecteurs ne téléchargent que les copies réduites, mais l’original pèse sur le dépôt et sur chaque construction à froid : exportez-le à 2 000 ou 3 000 pixels de large (JPEG qualité 85) avant de l’ajouter, ou relevez `images: {{warn_size_mb: …}}` dans config.yaml",
    }
    IMAGE_UNREADABLE: ImageUnreadable {
        en: "image `{path}` cannot be read: {reason}",
        fr: "l’image « {path} » ne peut pas être lue : {reason}",
    }
    HINT_IMAGE_UNREADABLE {
        en: "open the image in an image editor and export it again as JPEG, PNG or WebP, or replace the file",
        fr: "ouvrez l’image dans un éditeur d’images et exportez-la de nouveau en JPEG, PNG ou WebP, ou remplacez le fichier",
    }
    COVER_EXTERNAL: CoverExternal {
        en: "cover image `{source}` is not a file of the site",
        fr: "l’image de couverture « {source} » n’est pas un fichier du site",
    }
    HINT_COVER_EXTERNAL {
        en: "put the image next to the case study and write its file name (`image: photo.jpg`): readers' browsers load nothing from other sites (Law 25)",
        fr: "enregistrez l’image à côté de l’étude de cas et écrivez son nom de fichier (`image: photo.jpg`) : le navigateur des lecteurs ne charge rien d’un autre site (Loi 25)",
    }
    HINT_RAW_IMAGE_NO_ALT {
        en: "add what the image shows as its `alt`: `<img src=\"photo.jpg\" alt=\"Volunteers welcome a family\">`; for an image that adds nothing to the text, `alt=\"\"` marks it decorative",
        fr: "ajoutez ce que l’image montre comme `alt` : `<img src=\"photo.jpg\" alt=\"Des bénévoles accueillent une famille\">` ; pour une image qui n’ajoute rien au texte, `alt=\"\"` la marque décorative",
    }
    HINT_USE_ONE_OF {
        en: "use one of: {values}",
        fr: "choisissez parmi : {values}",
    }
    BASE_URL_BAD_CHAR: BaseUrl {
        en: "`{url}` contains `{bad}`, which cannot be part of the site's address",
        fr: "« {url} » contient « {bad} », qui ne peut pas faire partie de l’adresse du site",
    }
    BASE_URL_OTHER_HOST: BaseUrl {
        en: "`{url}` names another host (it starts with `//`)",
        fr: "« {url} » nomme un autre hôte (elle commence par `//`)",
    }
    BASE_URL_NOT_PATH: BaseUrl {
        en: "`{url}` is neither a path starting with `/` nor an http(s) address",
        fr: "« {url} » n’est ni un chemin qui commence par `/`, ni une adresse http(s)",
    }
    BASE_URL_NO_HOST: BaseUrl {
        en: "`{url}` has no valid host name",
        fr: "« {url} » n’a pas de nom d’hôte valide",
    }
    BASE_URL_DOTS: BaseUrl {
        en: "`{url}` contains a `.` or `..` segment",
        fr: "« {url} » contient un segment `.` ou `..`",
    }
    HINT_BASE_URL {
        en: "write a path such as `/` or `/pratiques/`, or a web address such as `https://example.org/pratiques/`",
        fr: "écrivez un chemin comme `/` ou `/pratiques/`, ou une adresse web comme `https://example.org/pratiques/`",
    }
    PAGINATE_ZERO: Paginate {
        en: "must be at least 1",
        fr: "doit valoir au moins 1",
    }
    HINT_PAGINATE {
        en: "set paginate to the number of case studies per list page, e.g. 20",
        fr: "donnez à paginate le nombre d’études de cas par page de liste, p. ex. 20",
    }
    CONFIG_CONTACT: ConfigContact {
        en: "expected an email address, found `{found}`",
        fr: "adresse courriel attendue, trouvé « {found} »",
    }
    HINT_CONFIG_CONTACT {
        en: "write a role address such as pratiques@organisme.example (never a person's address: Law 25), or remove the line",
        fr: "écrivez une adresse de service comme pratiques@organisme.example (jamais celle d’une personne : Loi 25), ou supprimez la ligne",
    }
    THEME_NOT_FOLDER: ThemeName {
        en: "theme `{theme}` is not a folder name",
        fr: "le thème « {theme} » n’est pas un nom de dossier",
    }
    HINT_THEME_NOT_FOLDER {
        en: "name a folder under themes/, e.g. `theme: mon-theme`, or remove the line to use the default theme",
        fr: "nommez un dossier de themes/, p. ex. `theme: mon-theme`, ou supprimez la ligne pour utiliser le thème par défaut",
    }
    THEME_NOT_FOUND: ThemeName {
        en: "theme `{theme}` not found",
        fr: "thème « {theme} » introuvable",
    }
    HINT_THEME_NOT_FOUND {
        en: "create themes/{theme}/ or remove the `theme` setting to use the default theme",
        fr: "créez themes/{theme}/ ou supprimez le réglage `theme` pour utiliser le thème par défaut",
    }
    NOT_A_SLUG: NotASlug {
        en: "{what} `{value}` is not a URL slug",
        fr: "{what} « {value} » n’est pas un slug d’adresse",
    }
    WHAT_SECTION {
        en: "section",
        fr: "la section",
    }
    WHAT_TAXONOMY_SLUG {
        en: "taxonomy slug",
        fr: "le slug de classement",
    }
    WHAT_TERM_ID {
        en: "term id",
        fr: "l’identifiant de terme",
    }
    HINT_SLUG {
        en: "it becomes part of the site's addresses: use lowercase ASCII letters, digits and single hyphens",
        fr: "il devient une partie des adresses du site : n’utilisez que des lettres ASCII minuscules, des chiffres et des traits d’union simples",
    }
    HINT_SLUG_EXAMPLE {
        en: "it becomes part of the site's addresses: use lowercase ASCII letters, digits and single hyphens, e.g. `{suggestion}`",
        fr: "il devient une partie des adresses du site : n’utilisez que des lettres ASCII minuscules, des chiffres et des traits d’union simples, p. ex. `{suggestion}`",
    }
    SCHEMA_CORE_FIELD: SchemaCoreField {
        en: "the schema must declare `{name}`",
        fr: "le schéma doit déclarer `{name}`",
    }
    HINT_SCHEMA_CORE_FIELD {
        en: "every case study needs a title, a date and a summary",
        fr: "toute étude de cas a besoin d’un titre, d’une date et d’un résumé",
    }
    TAXONOMY_UNKNOWN_FIELD: Taxonomy {
        en: "taxonomy on unknown field `{field}`",
        fr: "classement sur un champ inconnu : `{field}`",
    }
    HINT_TAXONOMY_UNKNOWN_FIELD {
        en: "name a field declared under `fields`",
        fr: "nommez un champ déclaré sous `fields`",
    }
    TAXONOMY_IS_SECTION: Taxonomy {
        en: "taxonomy slug `{slug}` is also the case studies' section",
        fr: "le slug de classement `{slug}` est aussi la section des études de cas",
    }
    HINT_TAXONOMY_IS_SECTION {
        en: "give the taxonomy its own slug: both would use the same addresses",
        fr: "donnez au classement son propre slug : les deux utiliseraient les mêmes adresses",
    }
    TAXONOMY_TWICE: Taxonomy {
        en: "taxonomy slug `{slug}` is used twice (first on line {line})",
        fr: "le slug de classement `{slug}` sert deux fois (d’abord à la ligne {line})",
    }
    HINT_TAXONOMY_TWICE {
        en: "give each taxonomy its own slug",
        fr: "donnez à chaque classement son propre slug",
    }
    TERM_DUPLICATE: DuplicateTerm {
        en: "duplicate {kind} `{spelling}` in vocabulary `{name}` (first on line {line})",
        fr: "{kind} `{spelling}` en double dans le vocabulaire `{name}` (d’abord à la ligne {line})",
    }
    HINT_TERM_DUPLICATE {
        en: "each term needs its own {kind}: change or remove one of the two",
        fr: "chaque terme a besoin de son propre {kind} : changez ou supprimez l’un des deux",
    }
    TERM_SAME_AS: DuplicateTerm {
        en: "{kind} `{spelling}` of term `{term}` reads the same as {other_kind} `{other_spelling}` of term `{other_term}` (line {line}) in vocabulary `{name}`",
        fr: "{kind} `{spelling}` du terme `{term}` se lit comme {other_kind} `{other_spelling}` du terme `{other_term}` (ligne {line}) dans le vocabulaire `{name}`",
    }
    HINT_TERM_SAME_AS {
        en: "a value written this way would match both terms: make them differ (case, accents and dashes are ignored when matching)",
        fr: "une valeur écrite ainsi correspondrait aux deux termes : faites-les différer (la casse, les accents et les tirets ne comptent pas)",
    }
    UNKNOWN_VOCABULARY: UnknownVocabulary {
        en: "unknown vocabulary `{name}`",
        fr: "vocabulaire inconnu : `{name}`",
    }
    HINT_DECLARE_VOCABULARY {
        en: "declare it under `vocabularies`",
        fr: "déclarez-le sous `vocabularies`",
    }
    HINT_DECLARE_VOCABULARY_OR {
        en: "declare it under `vocabularies`, or use one of: {names}",
        fr: "déclarez-le sous `vocabularies`, ou choisissez parmi : {names}",
    }
    VOCABULARY_NOT_NAMED: UnknownVocabulary {
        en: "a vocabulary field needs `vocabulary: NAME`",
        fr: "un champ de vocabulaire a besoin de `vocabulary: NOM`",
    }
    HINT_VOCABULARY_NOT_NAMED {
        en: "name one of the lists under `vocabularies`",
        fr: "nommez l’une des listes de `vocabularies`",
    }
    JSON_LD_TWICE: JsonLdRole {
        en: "JSON-LD role `{role}` is also given to `{first}` (line {line})",
        fr: "le rôle JSON-LD `{role}` est aussi donné à `{first}` (ligne {line})",
    }
    HINT_JSON_LD_TWICE {
        en: "it stands for one value: give it to one field only",
        fr: "il représente une seule valeur : donnez-le à un seul champ",
    }
    JSON_LD_ALLOWED_HERE {
        en: "a case study's field takes one of: {roles}",
        fr: "un champ d’étude de cas prend l’un de ceux-ci : {roles}",
    }
    JSON_LD_ALLOWED_WITHIN {
        en: "a sub-field of a `{parent}` field takes one of: {roles}",
        fr: "un sous-champ d’un champ `{parent}` prend l’un de ceux-ci : {roles}",
    }
    JSON_LD_ALLOWED_NONE {
        en: "a sub-field takes a role only in a field whose role is `funding` or `period`; remove `json_ld` here",
        fr: "un sous-champ ne prend un rôle que dans un champ dont le rôle est `funding` ou `period` ; supprimez `json_ld` ici",
    }
    HINT_JSON_LD_DID_YOU_MEAN {
        en: "did you mean `{suggestion}`? ({allowed})",
        fr: "vouliez-vous dire `{suggestion}` ? ({allowed})",
    }
    JSON_LD_UNKNOWN: JsonLdRole {
        en: "unknown JSON-LD role `{role}`",
        fr: "rôle JSON-LD inconnu : `{role}`",
    }
    JSON_LD_NOT_SUB_FIELD: JsonLdRole {
        en: "JSON-LD role `{role}` is for a case study's own fields, not for a sub-field",
        fr: "le rôle JSON-LD `{role}` va aux champs de l’étude de cas, pas à un sous-champ",
    }
    JSON_LD_SUB_FIELD_ONLY: JsonLdRole {
        en: "JSON-LD role `{role}` is for a sub-field of a field whose role is `{parent}`",
        fr: "le rôle JSON-LD `{role}` va à un sous-champ d’un champ dont le rôle est `{parent}`",
    }
    JSON_LD_WRONG_TYPE: JsonLdRole {
        en: "JSON-LD role `{role}` needs {needed}; this field is {kind}",
        fr: "le rôle JSON-LD `{role}` demande {needed} ; ce champ est {kind}",
    }
    JSON_LD_LIST_OF {
        en: "a list of `{kind}`",
        fr: "une liste de `{kind}`",
    }
    JSON_LD_KIND {
        en: "`{kind}`",
        fr: "`{kind}`",
    }
    JSON_LD_NEEDS_FUNDING {
        en: "an `object` field (a grant, or with `list: true` several)",
        fr: "un champ `object` (une subvention, ou plusieurs avec `list: true`)",
    }
    JSON_LD_NEEDS_PERIOD {
        en: "an `object` field without `list: true` (one start, one end)",
        fr: "un champ `object` sans `list: true` (un début, une fin)",
    }
    JSON_LD_NEEDS_AMOUNT {
        en: "an `integer` or `number` field",
        fr: "un champ `integer` ou `number`",
    }
    JSON_LD_NEEDS_DATE {
        en: "a `date` field",
        fr: "un champ `date`",
    }
    JSON_LD_NEEDS_VALUES {
        en: "a field of texts, numbers or vocabulary terms, not an `object`",
        fr: "un champ de textes, de nombres ou de termes de vocabulaire, pas un `object`",
    }
    HINT_JSON_LD_WRONG_TYPE {
        en: "change the field's `type`, or give the role to another field",
        fr: "changez le `type` du champ, ou donnez le rôle à un autre champ",
    }
    BOUND_NOT_NUMERIC: FieldBounds {
        en: "`{key}` applies only to `integer` and `number` fields",
        fr: "`{key}` ne s’applique qu’aux champs `integer` et `number`",
    }
    BOUND_RANGE: FieldBounds {
        en: "`{key}` must be a number from -{limit} to {limit}",
        fr: "`{key}` doit être un nombre de -{limit} à {limit}",
    }
    BOUND_NOT_WHOLE: FieldBounds {
        en: "`{key}` must be a whole number for an `integer` field",
        fr: "`{key}` doit être un nombre entier pour un champ `integer`",
    }
    HINT_CORRECT_OR_REMOVE {
        en: "correct or remove it",
        fr: "corrigez-le ou supprimez-le",
    }
    BOUNDS_SWAPPED: FieldBounds {
        en: "`min` ({min}) is greater than `max` ({max})",
        fr: "`min` ({min}) est plus grand que `max` ({max})",
    }
    HINT_SWAP {
        en: "swap them",
        fr: "inversez-les",
    }
    LOCALIZED_NOT_TEXT: ConfigLocalized {
        en: "expected a text, or one text per language of the site",
        fr: "attendu : un texte, ou un texte par langue du site",
    }
    HINT_LOCALIZED {
        en: "write one text for every language (`{key}: …`), or one text per language, each on its own line under `{key}:` (`{default}: …`), for the languages {languages}",
        fr: "écrivez un seul texte, pour toutes les langues (`{key}: …`), ou un texte par langue, chacun sur sa ligne sous `{key}:` (`{default}: …`), pour les langues {languages}",
    }
    LOCALIZED_UNKNOWN_LANG: ConfigLocalized {
        en: "`{lang}` is not a language Passerelle publishes in ({languages})",
        fr: "« {lang} » n’est pas une langue dans laquelle Passerelle publie ({languages})",
    }
    HINT_LOCALIZED_LANG {
        en: "write the text under one of {languages}, or remove this line",
        fr: "écrivez le texte sous une des langues {languages}, ou retirez cette ligne",
    }
    LOCALIZED_NO_DEFAULT: ConfigLocalized {
        en: "no text in the default language `{lang}`",
        fr: "aucun texte dans la langue par défaut « {lang} »",
    }
    HINT_LOCALIZED_DEFAULT {
        en: "add a line `{lang}: …` under `{key}:`: the pages of a language without a text of its own show that one",
        fr: "ajoutez une ligne `{lang}: …` sous `{key}:` : les pages d’une langue sans texte à elle montrent celui-là",
    }

    // ---- Markdown and files of content/ (markdown.rs, asset.rs) ----
    MISSING_LINK: MissingLink {
        en: "link to a missing file `content/{path}`",
        fr: "lien vers un fichier absent : `content/{path}`",
    }
    HINT_MISSING_PAGE {
        en: "check the file name (links are relative to this file's folder), or remove the link",
        fr: "vérifiez le nom du fichier (les liens partent du dossier de ce fichier), ou supprimez le lien",
    }
    HINT_MISSING_FILE {
        en: "put the file under content/ next to this page, or fix the path",
        fr: "mettez le fichier dans content/ à côté de cette page, ou corrigez le chemin",
    }
    HTML_TOO_LARGE: PageTooLarge {
        en: "this text makes a page larger than {limit} MB of HTML",
        fr: "ce texte donne une page de plus de {limit} Mo de HTML",
    }
    HINT_HTML_TOO_LARGE {
        en: "split the page into several: its text grows when written as HTML (a `&` takes five characters, a table cell about ten)",
        fr: "découpez la page en plusieurs : son texte grossit une fois écrit en HTML (un `&` prend cinq caractères, une cellule de tableau une dizaine)",
    }
    TOO_MANY_TAGS: PageTooLarge {
        en: "this raw HTML is in a page of more than {limit} HTML tags, too many to check it",
        fr: "ce HTML brut est dans une page de plus de {limit} balises HTML, trop pour le vérifier",
    }
    HINT_TOO_MANY_TAGS {
        en: "write it in Markdown instead, or split the page into several",
        fr: "écrivez-le plutôt en Markdown, ou découpez la page en plusieurs",
    }
    TEXT_TOO_LARGE: PageTooLarge {
        en: "the text is too large ({size} MB after the front matter; the limit is {limit} MB)",
        fr: "le texte est trop gros ({size} Mo après l’en-tête ; la limite est de {limit} Mo)",
    }
    HINT_TEXT_TOO_LARGE {
        en: "split it into several pages, or put large data in a CSV file under content/ and link to it",
        fr: "découpez-le en plusieurs pages, ou mettez les données volumineuses dans un fichier CSV de content/ et faites-y un lien",
    }
    TOO_MANY_CELLS: PageTooLarge {
        en: "with this table, the tables of the page have more than {limit} cells (rows shorter than the header count as full rows)",
        fr: "avec ce tableau, les tableaux de la page ont plus de {limit} cellules (une ligne plus courte que l’en-tête compte comme pleine)",
    }
    HINT_TOO_MANY_CELLS {
        en: "split the table over several pages, or put the data in a CSV file under content/ and link to it",
        fr: "répartissez le tableau sur plusieurs pages, ou mettez les données dans un fichier CSV de content/ et faites-y un lien",
    }
    ACTIVE_DOCUMENT: ActiveFile {
        en: "`.{extension}` files are not published while `trust_html` is false: a browser would run the scripts they may hold",
        fr: "les fichiers `.{extension}` ne sont pas publiés tant que `trust_html` vaut false : un navigateur exécuterait les scripts qu’ils peuvent contenir",
    }
    SVG_NOT_UTF8: ActiveFile {
        en: "this SVG image is not UTF-8 text",
        fr: "cette image SVG n’est pas du texte UTF-8",
    }
    SVG_UNREADABLE: ActiveFile {
        en: "this SVG image cannot be read: {reason}",
        fr: "cette image SVG ne peut pas être lue : {reason}",
    }
    SVG_HOLDS: ActiveFile {
        en: "this SVG image holds {what}",
        fr: "cette image SVG contient {what}",
    }
    SVG_PROCESSING_INSTRUCTION {
        en: "a processing instruction (`<?…?>`)",
        fr: "une instruction de traitement (`<?…?>`)",
    }
    SVG_ELEMENT {
        en: "a `<{name}>` element",
        fr: "un élément `<{name}>`",
    }
    SVG_STYLE_SHEET {
        en: "a style sheet that loads a script",
        fr: "une feuille de style qui charge un script",
    }
    SVG_ANIMATION {
        en: "an animation of `{target}`",
        fr: "une animation de `{target}`",
    }
    SVG_EVENT_HANDLER {
        en: "an event handler (`{name}`)",
        fr: "un gestionnaire d’événement (`{name}`)",
    }
    SVG_STYLE {
        en: "a style that loads a script",
        fr: "un style qui charge un script",
    }
    SVG_SCRIPT_LINK {
        en: "a link to a script (`{name}`)",
        fr: "un lien vers un script (`{name}`)",
    }
    HINT_ACTIVE_FILE {
        en: "publish the image as PNG or JPEG, write the page in Markdown, or set `trust_html: true` in config.yaml if every author of the site is trusted",
        fr: "publiez l’image en PNG ou JPEG, écrivez la page en Markdown, ou mettez `trust_html: true` dans config.yaml si tous les auteurs du site sont de confiance",
    }

    // ---- theme and templates (theme.rs, render/templates.rs) ----
    THEME_UNREADABLE: ThemeFile {
        en: "cannot read: {reason}",
        fr: "lecture impossible : {reason}",
    }
    INVALID_UI_STRINGS: ThemeFile {
        en: "invalid UI strings: {reason}",
        fr: "textes d’interface non valides : {reason}",
    }
    HINT_UI_STRINGS {
        en: "write one `key: text` per line",
        fr: "écrivez une ligne `clé: texte` par texte",
    }
    TEMPLATE_NOT_UTF8: ThemeFile {
        en: "template is not valid UTF-8",
        fr: "le gabarit n’est pas du texte UTF-8 valide",
    }
    HINT_TEMPLATE_UTF8 {
        en: "save it with UTF-8 encoding",
        fr: "enregistrez-le avec l’encodage UTF-8",
    }
    TEMPLATE_ERROR: Template {
        en: "{reason}",
        fr: "{reason} (message de Tera)",
    }
    HINT_WHILE_RENDERING {
        en: "the error happened while rendering `{path}`",
        fr: "l’erreur est survenue pendant la production de `{path}`",
    }
    HINT_TEMPLATE {
        en: "fix the template; Tera's syntax is described at https://keats.github.io/tera/",
        fr: "corrigez le gabarit ; la syntaxe de Tera est décrite sur https://keats.github.io/tera/",
    }

    // ---- output (engine, output, lib.rs) ----
    CANNOT_WRITE: CannotWrite {
        en: "cannot write: {reason}",
        fr: "écriture impossible : {reason}",
    }
    CANNOT_WRITE_MORE: CannotWrite {
        en: "cannot write: {count} more {files} for the same reason ({reason})",
        fr: "écriture impossible : {count} autres {files} pour la même raison ({reason})",
    }
    FILE_ONE {
        en: "file",
        fr: "fichier",
    }
    FILE_MANY {
        en: "files",
        fr: "fichiers",
    }
    HINT_CANNOT_WRITE {
        en: "check the free disk space and the output folder's permissions",
        fr: "vérifiez l’espace libre sur le disque et les droits d’accès du dossier de sortie",
    }
    NOT_OURS: OutputNotOurs {
        en: "{what} is already there and Passerelle did not write it",
        fr: "{what} est déjà là et Passerelle ne l’a pas écrit",
    }
    IN_THE_WAY_FILE {
        en: "a file",
        fr: "un fichier",
    }
    IN_THE_WAY_FOLDER {
        en: "a folder",
        fr: "un dossier",
    }
    IN_THE_WAY_SYMLINK {
        en: "a symbolic link",
        fr: "un lien symbolique",
    }
    IN_THE_WAY_SYMLINK_ON_THE_WAY {
        en: "a symbolic link on its way",
        fr: "un lien symbolique sur son chemin",
    }
    IN_THE_WAY_OTHER {
        en: "{what}",
        fr: "{what}",
    }
    HINT_NOT_OURS {
        en: "move it out of the output folder and build again: Passerelle replaces only files it wrote",
        fr: "déplacez-le hors du dossier de sortie et relancez la construction : Passerelle ne remplace que les fichiers qu’il a écrits",
    }
    TWO_OWNERS: OutputClash {
        en: "its output `{path}` is also written by {other}",
        fr: "son fichier de sortie `{path}` est aussi écrit par {other}",
    }
    OWNER_FILE {
        en: "`{file}`",
        fr: "`{file}`",
    }
    OWNER_PAGE {
        en: "the page Passerelle generates from `{template}`",
        fr: "la page que Passerelle produit avec `{template}`",
    }
    OWNER_THEME {
        en: "the theme file `{file}`",
        fr: "le fichier du thème `{file}`",
    }
    OWNER_EXPORT {
        en: "the open data export",
        fr: "l’export de données ouvertes",
    }
    OWNER_SEARCH {
        en: "the search index (the `{folder}` folder)",
        fr: "l’index de recherche (le dossier `{folder}`)",
    }
    HINT_TWO_OWNERS {
        en: "rename or move this file: two sources cannot make the same output file",
        fr: "renommez ou déplacez ce fichier : deux sources ne peuvent pas produire le même fichier de sortie",
    }
    BAD_OUTPUT_PATH: OutputClash {
        en: "{reason}",
        fr: "{reason}",
    }
    OUTPUT_PATH_EMPTY: OutputClash {
        en: "the output path `{path}` is empty",
        fr: "le chemin de sortie `{path}` est vide",
    }
    OUTPUT_PATH_CONTROL: OutputClash {
        en: "the output path `{path}` holds a control character or a backslash",
        fr: "le chemin de sortie `{path}` contient un caractère de contrôle ou une barre oblique inverse",
    }
    OUTPUT_PATH_EMPTY_NAME: OutputClash {
        en: "the output path `{path}` has an empty folder or file name",
        fr: "le chemin de sortie `{path}` a un nom de dossier ou de fichier vide",
    }
    OUTPUT_PATH_LEAVES: OutputClash {
        en: "the output path `{path}` would leave the output folder",
        fr: "le chemin de sortie `{path}` sortirait du dossier de sortie",
    }
    OUTPUT_PATH_STATE: OutputClash {
        en: "the output path `{path}` is inside Passerelle's own folder",
        fr: "le chemin de sortie `{path}` est dans le dossier propre à Passerelle",
    }
    HINT_BAD_OUTPUT_PATH {
        en: "rename the file or folder it comes from: every folder and file name needs a letter or digit, and every URL segment in config.yaml must be a plain slug",
        fr: "renommez le fichier ou le dossier d’où il vient : chaque nom de dossier et de fichier a besoin d’une lettre ou d’un chiffre, et chaque segment d’adresse de config.yaml doit être un simple slug",
    }

    // ---- the report (diagnostic.rs) ----
    MORE_PROBLEMS: MoreNotShown {
        en: "{count} more problems in this file are not shown",
        fr: "{count} autres problèmes de ce fichier ne sont pas affichés",
    }
    MORE_WARNINGS: MoreNotShown {
        en: "{count} more warnings in this file are not shown",
        fr: "{count} autres avertissements de ce fichier ne sont pas affichés",
    }
    HINT_MORE {
        en: "fix the ones above and check again: one mistake often causes many",
        fr: "corrigez ceux ci-dessus et vérifiez de nouveau : une seule faute en cause souvent beaucoup",
    }
    BUILD_FAILED {
        en: "Build failed; {output} was not changed.",
        fr: "La construction a échoué ; {output} n’a pas été modifié.",
    }
    PREVIEW_BUILD_FAILED {
        en: "Build failed after {ms} ms; still serving the last good version.",
        fr: "La construction a échoué après {ms} ms ; la dernière version correcte reste servie.",
    }
    NO_ERRORS {
        en: "No errors in {case_studies} and {pages}.",
        fr: "Aucune erreur dans {case_studies} et {pages}.",
    }
    CASE_STUDIES_ONE {
        en: "{count} case study",
        fr: "{count} étude de cas",
    }
    CASE_STUDIES_MANY {
        en: "{count} case studies",
        fr: "{count} études de cas",
    }
    PAGES_ONE {
        en: "{count} page",
        fr: "{count} page",
    }
    PAGES_MANY {
        en: "{count} pages",
        fr: "{count} pages",
    }
    SUMMARY {
        en: "{errors} error(s), {warnings} warning(s)",
        fr: "{errors} erreur(s), {warnings} avertissement(s)",
    }
}
