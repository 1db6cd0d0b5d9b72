#!/usr/bin/env python3
"""Generate a synthetic Passerelle site for benchmarks.

    python3 bench/gen_corpus.py N OUTDIR [--seed S] [--stats]

Writes OUTDIR/config.yaml (copied from the repository root at run time),
OUTDIR/content/a-propos.md and N case studies in
OUTDIR/content/etudes-de-cas/<slug>.md, each with the full front matter of
the default schema and a body of about 800 words of French prose.

Output is deterministic: every case study is drawn from its own RNG seeded by
(seed, index), so the first 1,000 files of a 10,000 corpus are the 1,000
files of a 1,000 corpus. The prose is grammatical enough to look real and
varied enough (several thousand distinct words) for a search index to have a
realistic vocabulary; it is not meant to be read.

--stats prints word counts and the number of distinct words (case and accents
kept, elisions stripped) to stderr.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import sys
import time
import unicodedata
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
NBSP = "\u00a0"
NNBSP = "\u202f"

# --------------------------------------------------------------------------
# Controlled vocabularies (exact labels from DESIGN.md)
# --------------------------------------------------------------------------

THEMES = [
    "attraction et régionalisation", "accueil et établissement", "intégration",
    "rétention", "employabilité", "francisation", "logement", "éducation",
    "santé et services sociaux", "participation citoyenne",
    "relations interculturelles", "lutte contre le racisme et la discrimination",
    "concertation et mobilisation", "formation des intervenants",
    "gouvernance et plan d'action",
]
TARGET_GROUPS = [
    "personnes immigrantes", "personnes réfugiées", "demandeurs d'asile",
    "travailleurs étrangers temporaires", "étudiants internationaux", "familles",
    "jeunes", "femmes", "aînés", "employeurs", "élus et personnel municipal",
    "organismes et intervenants", "population d'accueil",
]
STATUSES = [("planifié", 8), ("en cours", 40), ("terminé", 30), ("pérennisé", 15), ("suspendu", 7)]
PROGRAMS = [
    ("Programme d'appui aux collectivités", "MIFI"),
    ("Mobilisation-Diversité", "MIFI"),
    ("PASI", "MIFI"),
    ("FARR", "MAMH"),
]
TAGS = [
    "outil", "formation", "guide", "jumelage", "mentorat", "bénévolat", "emploi",
    "logement", "transport", "loisirs", "culture", "sport", "école", "petite enfance",
    "agriculture", "tourisme", "entreprises", "stage", "événement", "communication",
    "site web", "trousse d'accueil", "comité", "diagnostic", "plan d'action",
    "politique", "ruralité", "milieu urbain", "bibliothèque", "cuisine collective",
]

# Quebec's 17 administrative regions: code, label, {MRC or None: [municipalities]}.
# The grouping is close to reality; exactness is not the point.
GEO_SPEC = """
01|Bas-Saint-Laurent
Rimouski-Neigette: Rimouski, Saint-Anaclet-de-Lessard, Saint-Narcisse-de-Rimouski, Saint-Fabien, Saint-Valérien, Esprit-Saint
Témiscouata: Témiscouata-sur-le-Lac, Dégelis, Pohénégamook, Saint-Michel-du-Squatec, Rivière-Bleue
Rivière-du-Loup: Rivière-du-Loup, Cacouna, L'Isle-Verte, Saint-Antonin, Saint-Hubert-de-Rivière-du-Loup
Kamouraska: La Pocatière, Saint-Pascal, Kamouraska, Saint-Alexandre-de-Kamouraska, Rivière-Ouelle
La Matapédia: Amqui, Causapscal, Sayabec, Val-Brillant, Lac-au-Saumon
La Matanie: Matane, Sainte-Félicité, Baie-des-Sables, Les Méchins
La Mitis: Mont-Joli, Sainte-Flavie, Métis-sur-Mer, Sainte-Luce, Price
Les Basques: Trois-Pistoles, Saint-Jean-de-Dieu, Notre-Dame-des-Neiges
02|Saguenay–Lac-Saint-Jean
-: Saguenay
Le Domaine-du-Roy: Roberval, Saint-Félicien, Chambord, Saint-Prime, Lac-Bouchette
Maria-Chapdelaine: Dolbeau-Mistassini, Normandin, Albanel, Péribonka, Girardville
Lac-Saint-Jean-Est: Alma, Métabetchouan–Lac-à-la-Croix, Desbiens, Hébertville, Saint-Bruno, L'Ascension-de-Notre-Seigneur
Le Fjord-du-Saguenay: Saint-Honoré, Saint-Fulgence, L'Anse-Saint-Jean, Petit-Saguenay, Sainte-Rose-du-Nord, Saint-David-de-Falardeau
03|Capitale-Nationale
-: Québec, L'Ancienne-Lorette, Saint-Augustin-de-Desmaures
La Jacques-Cartier: Shannon, Sainte-Catherine-de-la-Jacques-Cartier, Stoneham-et-Tewkesbury, Lac-Beauport, Fossambault-sur-le-Lac
La Côte-de-Beaupré: Beaupré, Château-Richer, Boischatel, L'Ange-Gardien, Sainte-Anne-de-Beaupré
Portneuf: Saint-Raymond, Donnacona, Pont-Rouge, Portneuf, Deschambault-Grondines, Saint-Marc-des-Carrières, Cap-Santé
Charlevoix: Baie-Saint-Paul, Les Éboulements, Petite-Rivière-Saint-François, L'Isle-aux-Coudres
Charlevoix-Est: La Malbaie, Clermont, Saint-Siméon
L'Île-d'Orléans: Saint-Pierre-de-l'Île-d'Orléans, Sainte-Famille-de-l'Île-d'Orléans, Saint-Laurent-de-l'Île-d'Orléans
04|Mauricie
-: Trois-Rivières, Shawinigan, La Tuque
Maskinongé: Louiseville, Saint-Paulin, Yamachiche, Saint-Alexis-des-Monts, Maskinongé
Les Chenaux: Saint-Narcisse, Champlain, Batiscan, Sainte-Anne-de-la-Pérade, Saint-Maurice, Notre-Dame-du-Mont-Carmel
Mékinac: Saint-Tite, Sainte-Thècle, Saint-Adelphe, Lac-aux-Sables, Notre-Dame-de-Montauban
05|Estrie
-: Sherbrooke
Memphrémagog: Magog, Stanstead, Ayer's Cliff, North Hatley, Eastman, Austin, Orford
Le Granit: Lac-Mégantic, Nantes, Frontenac, Lambton, Stornoway
Les Sources: Val-des-Sources, Danville, Wotton, Saint-Camille
Le Haut-Saint-François: East Angus, Cookshire-Eaton, Weedon, Scotstown, Dudswell
Le Val-Saint-François: Windsor, Richmond, Valcourt, Racine, Melbourne
Coaticook: Coaticook, Compton, Waterville, Dixville
Brome-Missisquoi: Cowansville, Bromont, Sutton, Lac-Brome, Farnham, Bedford
La Haute-Yamaska: Granby, Waterloo, Roxton Pond, Shefford
06|Montréal
-: Montréal, Dollard-Des Ormeaux, Pointe-Claire, Dorval, Kirkland, Beaconsfield, Côte-Saint-Luc, Mont-Royal, Westmount, Montréal-Est, Montréal-Ouest, Hampstead
07|Outaouais
-: Gatineau
Les Collines-de-l'Outaouais: Chelsea, Cantley, Val-des-Monts, La Pêche, Pontiac
Papineau: Thurso, Papineauville, Montebello, Saint-André-Avellin, Plaisance, Fassett
La Vallée-de-la-Gatineau: Maniwaki, Gracefield, Bouchette, Messines, Déléage
Pontiac: Shawville, Campbell's Bay, Fort-Coulonge, Mansfield-et-Pontefract, Chapeau
08|Abitibi-Témiscamingue
-: Rouyn-Noranda
Abitibi: Amos, Barraute, Saint-Félix-de-Dalquier, Launay, Trécesson
Abitibi-Ouest: La Sarre, Macamic, Palmarolle, Duparquet, Taschereau
La Vallée-de-l'Or: Val-d'Or, Malartic, Senneterre, Rivière-Héva
Témiscamingue: Ville-Marie, Témiscaming, Lorrainville, Béarn, Notre-Dame-du-Nord, Belleterre
09|Côte-Nord
Sept-Rivières: Sept-Îles, Port-Cartier
Manicouagan: Baie-Comeau, Pointe-aux-Outardes, Ragueneau, Chute-aux-Outardes, Baie-Trinité
La Haute-Côte-Nord: Forestville, Les Escoumins, Tadoussac, Longue-Rive, Portneuf-sur-Mer, Les Bergeronnes
Minganie: Havre-Saint-Pierre, Longue-Pointe-de-Mingan, Rivière-au-Tonnerre, Natashquan
Caniapiscau: Fermont, Schefferville
Le Golfe-du-Saint-Laurent: Blanc-Sablon, Bonne-Espérance
10|Nord-du-Québec
-: Chibougamau, Chapais, Lebel-sur-Quévillon, Matagami, Eeyou Istchee Baie-James, Kuujjuaq
11|Gaspésie–Îles-de-la-Madeleine
La Côte-de-Gaspé: Gaspé, Murdochville, Grande-Vallée, Petite-Vallée, Cloridorme
Le Rocher-Percé: Percé, Chandler, Grande-Rivière, Sainte-Thérèse-de-Gaspé, Port-Daniel–Gascons
Bonaventure: New Richmond, Bonaventure, Paspébiac, New Carlisle, Caplan, Hope Town, Cascapédia–Saint-Jules
Avignon: Carleton-sur-Mer, Maria, Pointe-à-la-Croix, Nouvelle, Escuminac
La Haute-Gaspésie: Sainte-Anne-des-Monts, Cap-Chat, Mont-Saint-Pierre, Marsoui, La Martre
-: Les Îles-de-la-Madeleine, Grosse-Île
12|Chaudière-Appalaches
-: Lévis
Robert-Cliche: Beauceville, Saint-Joseph-de-Beauce, Saint-Victor, Tring-Jonction
Beauce-Sartigan: Saint-Georges, Saint-Martin, Saint-Gédéon-de-Beauce, La Guadeloupe, Saint-Côme–Linière
Les Appalaches: Thetford Mines, Disraeli, East Broughton, Adstock, Kinnear's Mills
La Nouvelle-Beauce: Sainte-Marie, Saint-Lambert-de-Lauzon, Frampton, Saint-Isidore, Vallée-Jonction
Bellechasse: Saint-Anselme, Saint-Henri, Saint-Damien-de-Buckland, Saint-Raphaël, Beaumont
Montmagny: Montmagny, Cap-Saint-Ignace, Saint-Fabien-de-Panet, Berthier-sur-Mer
L'Islet: Saint-Jean-Port-Joli, L'Islet, Saint-Pamphile, Saint-Aubert
Lotbinière: Saint-Apollinaire, Laurier-Station, Saint-Agapit, Sainte-Croix, Lotbinière
Les Etchemins: Lac-Etchemin, Sainte-Justine, Saint-Prosper, Saint-Zacharie
13|Laval
-: Laval
14|Lanaudière
Joliette: Joliette, Notre-Dame-des-Prairies, Saint-Charles-Borromée, Crabtree, Saint-Paul
Les Moulins: Terrebonne, Mascouche
L'Assomption: Repentigny, L'Assomption, Charlemagne, L'Épiphanie, Saint-Sulpice
Montcalm: Saint-Lin–Laurentides, Sainte-Julienne, Saint-Esprit, Saint-Jacques, Saint-Alexis, Saint-Roch-de-l'Achigan
D'Autray: Berthierville, Lavaltrie, Lanoraie, Saint-Gabriel, Mandeville
Matawinie: Rawdon, Saint-Donat, Saint-Michel-des-Saints, Saint-Zénon, Chertsey, Saint-Côme
15|Laurentides
Thérèse-De Blainville: Blainville, Boisbriand, Sainte-Thérèse, Rosemère, Lorraine, Bois-des-Filion, Sainte-Anne-des-Plaines
Deux-Montagnes: Saint-Eustache, Deux-Montagnes, Sainte-Marthe-sur-le-Lac, Oka, Pointe-Calumet, Saint-Joseph-du-Lac
-: Mirabel
La Rivière-du-Nord: Saint-Jérôme, Prévost, Sainte-Sophie, Saint-Colomban, Saint-Hippolyte
Les Pays-d'en-Haut: Saint-Sauveur, Sainte-Adèle, Morin-Heights, Sainte-Anne-des-Lacs, Piedmont
Les Laurentides: Mont-Tremblant, Sainte-Agathe-des-Monts, Val-David, Val-Morin, Labelle, Saint-Faustin–Lac-Carré
Antoine-Labelle: Mont-Laurier, Rivière-Rouge, Ferme-Neuve, Lac-des-Écorces, Nominingue
Argenteuil: Lachute, Brownsburg-Chatham, Saint-André-d'Argenteuil, Grenville, Harrington
16|Montérégie
-: Longueuil, Brossard, Saint-Lambert, Boucherville, Saint-Bruno-de-Montarville
Les Maskoutains: Saint-Hyacinthe, Saint-Pie, Saint-Damase, Sainte-Madeleine, Saint-Dominique
Le Haut-Richelieu: Saint-Jean-sur-Richelieu, Lacolle, Henryville, Saint-Blaise-sur-Richelieu
Vaudreuil-Soulanges: Vaudreuil-Dorion, Saint-Lazare, Rigaud, Hudson, Les Cèdres, Pincourt, L'Île-Perrot, Coteau-du-Lac
Roussillon: Châteauguay, La Prairie, Candiac, Delson, Sainte-Catherine, Saint-Constant, Mercier
Beauharnois-Salaberry: Salaberry-de-Valleyfield, Beauharnois, Saint-Stanislas-de-Kostka
Le Haut-Saint-Laurent: Huntingdon, Ormstown, Saint-Chrysostome, Hemmingford
Pierre-De Saurel: Sorel-Tracy, Saint-Ours, Yamaska, Massueville
Acton: Acton Vale, Upton, Roxton Falls
La Vallée-du-Richelieu: Beloeil, Mont-Saint-Hilaire, Chambly, Carignan, Otterburn Park, Saint-Basile-le-Grand, McMasterville
Marguerite-D'Youville: Varennes, Sainte-Julie, Verchères, Contrecoeur
Les Jardins-de-Napierville: Napierville, Saint-Rémi, Sherrington
Rouville: Marieville, Richelieu, Rougemont, Saint-Césaire, Ange-Gardien
17|Centre-du-Québec
Drummond: Drummondville, Saint-Cyrille-de-Wendover, Saint-Germain-de-Grantham, Wickham, Saint-Guillaume
Arthabaska: Victoriaville, Warwick, Kingsey Falls, Daveluyville, Tingwick
L'Érable: Plessisville, Princeville, Inverness, Laurierville, Lyster
Bécancour: Bécancour, Saint-Pierre-les-Becquets, Fortierville
Nicolet-Yamaska: Nicolet, Saint-Léonard-d'Aston, Pierreville, Saint-François-du-Lac, Baie-du-Febvre
"""


def parse_geo():
    regions = []  # (code, label, [(muni, mrc or None)])
    cur = None
    for line in GEO_SPEC.strip().splitlines():
        if "|" in line:
            code, label = line.split("|")
            cur = (code, label, [])
            regions.append(cur)
        else:
            mrc, munis = line.split(":", 1)
            mrc = None if mrc.strip() == "-" else mrc.strip()
            for m in munis.split(","):
                cur[2].append((m.strip(), mrc))
    return regions


REGIONS = parse_geo()
# How each region name is introduced: "en Estrie", "de l'Estrie".
REGION_IN = {
    "Bas-Saint-Laurent": ("au Bas-Saint-Laurent", "du Bas-Saint-Laurent"),
    "Saguenay–Lac-Saint-Jean": ("au Saguenay–Lac-Saint-Jean", "du Saguenay–Lac-Saint-Jean"),
    "Capitale-Nationale": ("dans la Capitale-Nationale", "de la Capitale-Nationale"),
    "Mauricie": ("en Mauricie", "de la Mauricie"),
    "Estrie": ("en Estrie", "de l’Estrie"),
    "Montréal": ("à Montréal", "de Montréal"),
    "Outaouais": ("en Outaouais", "de l’Outaouais"),
    "Abitibi-Témiscamingue": ("en Abitibi-Témiscamingue", "de l’Abitibi-Témiscamingue"),
    "Côte-Nord": ("sur la Côte-Nord", "de la Côte-Nord"),
    "Nord-du-Québec": ("dans le Nord-du-Québec", "du Nord-du-Québec"),
    "Gaspésie–Îles-de-la-Madeleine": ("en Gaspésie–Îles-de-la-Madeleine", "de la Gaspésie–Îles-de-la-Madeleine"),
    "Chaudière-Appalaches": ("en Chaudière-Appalaches", "de Chaudière-Appalaches"),
    "Laval": ("à Laval", "de Laval"),
    "Lanaudière": ("dans Lanaudière", "de Lanaudière"),
    "Laurentides": ("dans les Laurentides", "des Laurentides"),
    "Montérégie": ("en Montérégie", "de la Montérégie"),
    "Centre-du-Québec": ("au Centre-du-Québec", "du Centre-du-Québec"),
}
assert set(REGION_IN) == {r[1] for r in REGIONS}
# Bigger regions get more case studies, but every region gets some.
REGION_WEIGHTS = [max(3, len(r[2])) for r in REGIONS]

# --------------------------------------------------------------------------
# French morphology helpers
# --------------------------------------------------------------------------

VOWELS = set("aeiouyàâäéèêëîïôöûüœæAEIOUYÀÂÉÈÊËÎÏÔÛŒ")
H_MUET = ("habit", "héberg", "histoi", "heure", "horai", "harmon", "homme", "hôpit",
          "hôtel", "humain", "habil", "hérit", "hiver", "hospit", "hygi", "horiz", "hum")


def elides(word: str) -> bool:
    return word[0] in VOWELS or word.lower().startswith(H_MUET)


def plural_word(w: str) -> str:
    if w[-1] in "sxz":
        return w
    if w.endswith(("eau", "au", "eu")):
        return w + "x"
    if w.endswith("al"):
        return w[:-2] + "aux"
    return w + "s"


def plural_noun(sg: str) -> str:
    # "table de concertation" -> "tables de concertation"; "plan d’action" -> "plans d’action"
    m = re.match(r"^(\S+)( (?:de|d’|à|en|pour|du|des|sur)\b.*| d’.*)$", sg)
    if m:
        return plural_word(m.group(1)) + m.group(2)
    return " ".join(plural_word(p) for p in sg.split(" "))


class Noun:
    __slots__ = ("sg", "pl", "g", "el")

    def __init__(self, sg, g, pl=None):
        self.sg, self.g = sg, g
        self.pl = pl or plural_noun(sg)
        self.el = elides(sg)


def parse_nouns(spec: str):
    out = []
    for item in re.split(r"[;\n]", spec):
        item = item.strip()
        if not item:
            continue
        g, rest = item.split(":", 1)
        if ">" in rest:
            sg, pl = rest.split(">")
            out.append(Noun(sg.strip(), g, pl.strip()))
        else:
            out.append(Noun(rest.strip(), g))
    return out


# General-purpose nouns (object position). m: masculine, f: feminine.
NOUNS = parse_nouns("""
m:accompagnement; m:aménagement; m:apprentissage; m:arrimage; m:atelier; m:axe; m:bilan;
m:budget; m:bulletin; m:calendrier; m:carrefour; m:centre; m:chantier; m:comité; m:conseil;
m:contexte; m:continuum; m:déploiement; m:développement; m:diagnostic; m:dialogue; m:dispositif;
m:échange; m:effort; m:emploi; m:enjeu; m:engagement; m:établissement; m:événement;
m:financement; m:forum; m:guichet; m:guide; m:hébergement; m:indicateur; m:jumelage; m:kiosque;
m:levier; m:lien; m:logement; m:loisir; m:maillage; m:mandat; m:marché; m:mentorat; m:milieu>milieux;
m:modèle; m:module; m:organisme; m:outil; m:parcours; m:parrainage; m:partage; m:partenariat;
m:plan; m:portrait; m:poste; m:processus; m:programme; m:projet; m:quartier; m:recrutement;
m:réseau; m:résultat; m:rôle; m:secteur; m:séjour; m:service; m:sondage; m:soutien; m:suivi;
m:témoignage; m:territoire; m:transport; m:voisinage; m:volet; m:rapprochement; m:répertoire;
m:regroupement; m:cadre; m:comptoir; m:défi; m:dépliant; m:document; m:espace; m:objectif;
m:pôle; m:repas communautaire; m:jardin collectif; m:club de lecture; m:café-rencontre>cafés-rencontres;
m:circuit découverte; m:stage; m:salon de l’emploi; m:tutorat; m:soutien scolaire; m:camp de jour;
m:répit; m:covoiturage; m:bottin; m:babillard; m:balado; m:site web>sites web; m:formulaire; m:questionnaire;
m:rapport; m:sommaire; m:mémoire; m:avis; m:consensus; m:constat; m:critère; m:échéancier;
m:horaire; m:local>locaux; m:lieu>lieux; m:public; m:réflexe; m:savoir-faire>savoir-faire;
m:sentiment d’appartenance; m:tissu social; m:vivre-ensemble>vivre-ensemble; m:bassin de main-d’œuvre;
m:marché du travail; m:milieu de travail>milieux de travail; m:permis de travail>permis de travail;
m:statut; m:dossier; m:plan d’action; m:comité de pilotage; m:conseil municipal>conseils municipaux;
m:point de service; m:centre communautaire; m:centre de services scolaire; m:parc industriel;
m:cours de francisation>cours de francisation; m:programme d’accueil; m:guichet unique>guichets uniques;
m:accès; m:appui; m:apport; m:atout; m:cheminement; m:créneau; m:débat; m:démarrage; m:diplôme;
m:écart; m:élan; m:essor; m:exode; m:fonds>fonds; m:frein; m:gain; m:isolement; m:mécanisme;
m:métier; m:palier; m:panel; m:pont; m:préjugé; m:profil; m:rayonnement; m:recensement; m:relais;
m:retour; m:savoir>savoirs; m:souci; m:tremplin; m:vieillissement; m:virage; m:chômage; m:logiciel;
m:entretien; m:groupe de discussion; m:sous-comité; m:laboratoire; m:incubateur; m:gabarit;
f:action; f:activité; f:administration; f:aide; f:analyse; f:animation; f:approche;
f:association; f:attraction; f:autonomie; f:banque; f:campagne; f:capsule; f:carte; f:cellule;
f:charte; f:cohésion; f:collaboration; f:collectivité; f:commission; f:communauté; f:concertation;
f:conférence; f:consultation; f:coopérative; f:coordination; f:cuisine; f:culture; f:démarche;
f:diversité; f:école; f:économie; f:égalité; f:embauche; f:enquête; f:entente; f:entreprise;
f:équipe; f:étape; f:étude; f:évaluation; f:exposition; f:famille; f:fête; f:fiche; f:formation;
f:francisation; f:garderie; f:gouvernance; f:halte-garderie>haltes-garderies; f:inclusion; f:initiative;
f:installation; f:insertion; f:intégration; f:langue; f:main-d’œuvre>main-d’œuvre; f:médiation;
f:mesure; f:mission; f:mobilisation; f:mobilité; f:navette; f:offre; f:orientation;
f:participation; f:passerelle; f:période; f:pénurie; f:plateforme; f:politique; f:population;
f:pratique; f:priorité; f:promotion; f:proximité; f:qualité; f:rencontre; f:rétention; f:région;
f:régionalisation; f:ressource; f:rétroaction; f:réunion; f:santé; f:séance; f:semaine;
f:sensibilisation; f:solution; f:stratégie; f:structure; f:table de concertation; f:tournée;
f:trousse d’accueil; f:valorisation; f:visite; f:vitalité; f:vision; f:bibliothèque; f:clinique;
f:soirée; f:journée portes ouvertes>journées portes ouvertes; f:cartographie; f:infolettre;
f:vidéo; f:brochure; f:affiche; f:signalétique; f:traduction; f:interprétation; f:reconnaissance;
f:équivalence; f:attestation; f:certification; f:compétence; f:expertise; f:expérience;
f:confiance; f:ouverture; f:solidarité; f:fierté; f:appartenance; f:cohabitation; f:complicité;
f:relève; f:croissance; f:décroissance; f:rareté; f:disponibilité; f:accessibilité; f:abordabilité;
f:planification; f:programmation; f:reddition de comptes>redditions de comptes; f:subvention;
f:contribution; f:enveloppe; f:ligne directrice>lignes directrices; f:feuille de route; f:vigie;
f:veille; f:entrevue; f:consigne; f:procédure; f:politique d’accueil; f:démarche concertée;
f:résidence; f:maison de la famille>maisons de la famille; f:chambre de commerce>chambres de commerce;
f:ferme; f:usine; f:scierie; f:érablière; f:pourvoirie; f:pépinière; f:serre; f:fromagerie;
f:coopérative d’habitation>coopératives d’habitation; f:halte; f:écoute; f:tablée; f:causerie;
f:délégation; f:mission de recrutement>missions de recrutement; f:foire; f:patinoire; f:piste cyclable;
f:harmonisation; f:habitation; f:hausse; f:baisse; f:lacune; f:lenteur; f:barrière; f:contrainte;
f:inquiétude; f:attente; f:réussite; f:percée; f:avancée; f:embûche; f:leçon
""")

# People (for numbers, "auprès des ...", participants)
PEOPLE = parse_nouns("""
f:personne immigrante>personnes immigrantes; f:famille; m:nouvel arrivant>nouveaux arrivants;
m:travailleur étranger temporaire>travailleurs étrangers temporaires; m:étudiant international>étudiants internationaux;
m:demandeur d’asile>demandeurs d’asile; f:personne réfugiée>personnes réfugiées; m:jeune; f:femme; m:aîné;
m:employeur; m:élu; m:bénévole; m:citoyen; f:citoyenne; m:intervenant; f:intervenante; m:parent; m:enfant;
m:adolescent; m:élève; m:participant; f:participante; m:résident; m:habitant; m:entrepreneur; f:entrepreneuse;
m:gestionnaire; m:agriculteur; m:producteur agricole>producteurs agricoles; m:commerçant; m:propriétaire;
m:locataire; m:parrain; f:marraine; m:mentor; m:enseignant; f:enseignante; m:infirmier; f:infirmière;
m:préposé aux bénéficiaires>préposés aux bénéficiaires; m:soudeur; m:camionneur; m:cuisinier; m:médecin;
m:ingénieur; m:technicien; m:aide-soignant; m:conseiller; f:conseillère; m:fonctionnaire; m:stagiaire; m:diplômé
""")

# Singular agents (subjects)
AGENTS = parse_nouns("""
f:municipalité; f:ville; f:MRC>MRC; m:comité de pilotage; m:organisme porteur>organismes porteurs;
f:équipe de projet>équipes de projet; f:table de concertation; m:conseil municipal>conseils municipaux;
m:service des loisirs>services des loisirs; f:agente de liaison>agentes de liaison;
f:coordonnatrice; m:chargé de projet>chargés de projet; m:centre de services scolaire>centres de services scolaires;
f:chambre de commerce>chambres de commerce; m:carrefour jeunesse-emploi>carrefours jeunesse-emploi;
f:corporation de développement>corporations de développement; f:bibliothèque municipale>bibliothèques municipales;
m:service d’urbanisme>services d’urbanisme; f:direction générale>directions générales; m:cégep
""")

# Adjectives: "m" (auto feminine) or "m/f" for irregular forms.
ADJ_SPEC = """
accueillant actif adapté administratif agricole annuel bilingue central collectif commun communautaire
complémentaire concret/concrète conjoint consultatif continu coordonné culturel démographique diversifié
durable dynamique économique éducatif efficace essentiel étranger/étrangère familial financier/financière
formel francophone gratuit harmonieux humain inclusif individuel informel innovant institutionnel
intégré interculturel intermunicipal international local municipal mutuel national novateur/novatrice
numérique officiel opérationnel original partagé permanent personnalisé pertinent pratique prioritaire
professionnel provincial public/publique rural saisonnier/saisonnière scolaire social solidaire
spécialisé stable stratégique structurant technique temporaire territorial touristique urbain varié
viable visible vivant régional sectoriel ciblé concerté multilingue multiculturel pluriel accessible
abordable adéquat appréciable autochtone convivial décisif emblématique encourageant exemplaire fiable
flexible fructueux global hebdomadaire mensuel modeste modulaire notable ouvert positif préalable
préventif progressif prometteur/prometteuse rapide remarquable reproductible significatif simple
soutenu substantiel transversal unique utile volontaire ambitieux attentif bienveillant chaleureux
cohérent constructif créatif déterminant discret/discrète enrichissant équitable évolutif exigeant
fédérateur/fédératrice fondamental imprévu indispensable informatif intensif intuitif judicieux
limité majeur marquant minutieux mobile motivé nécessaire neutre nombreux/nombreuse novice ponctuel
populaire primordial productif qualifié réaliste récurrent réfléchi renouvelé respectueux rigoureux
sécuritaire sensible sérieux spontané structuré suivi tangible unanime urgent valorisant
"""


class Adj:
    __slots__ = ("m", "f", "mp", "fp")

    def __init__(self, spec):
        if "/" in spec:
            m, f = spec.split("/")
        else:
            m = spec
            if m.endswith("e"):
                f = m
            elif m.endswith("if"):
                f = m[:-1] + "ve"
            elif m.endswith("eux"):
                f = m[:-1] + "se"
            elif m.endswith(("el", "ien")):
                f = m + m[-1] + "e"
            elif m.endswith("er"):
                f = m[:-2] + "ère"
            else:
                f = m + "e"
        self.m, self.f = m, f
        self.mp = m if m[-1] in "sx" else (m[:-2] + "aux" if m.endswith("al") else m + "s")
        self.fp = f + "s"

    def agree(self, g, plural):
        if g == "m":
            return self.mp if plural else self.m
        return self.fp if plural else self.f


ADJS = [Adj(s) for s in ADJ_SPEC.split()]

# Verbs. Regular -er verbs are conjugated by rule; the others list
# 3s present | 3p present | past participle | 3s future | 3s imperfect | gerund.
REGULAR_VERBS = """
accompagner adapter aider améliorer amorcer analyser animer arrimer bonifier cibler consolider
consulter coordonner créer cerner développer diffuser documenter élaborer encourager engager
évaluer explorer faciliter favoriser financer former harmoniser identifier impliquer informer
instaurer intégrer lancer mesurer mobiliser moderniser multiplier optimiser organiser outiller
partager piloter planifier préparer présenter prioriser proposer recenser recruter renforcer
repérer réaliser rassembler sensibiliser simplifier stimuler structurer valoriser visiter
actualiser alimenter approfondir_ assurer bâtir_ cartographier centraliser clarifier colliger
concevoir_ confirmer déployer dénombrer diversifier doter élargir_ encadrer enrichir_ entamer
examiner expérimenter faire_ fédérer formaliser fournir_ générer illustrer imaginer inventorier
jumeler_ libérer maintenir_ mandater mettre_ mutualiser négocier nourrir_ obtenir_ officialiser
orienter pérenniser perfectionner poursuivre_ privilégier produire_ publier questionner rédiger
regrouper relancer remanier repenser répertorier représenter revoir_ réviser signer solliciter
souligner susciter tester traduire_ transmettre_ utiliser vulgariser accélérer célébrer compléter
"""
IRREGULAR_VERBS = {
    "accueillir": "accueille|accueillent|accueilli|accueillera|accueillait|accueillant",
    "soutenir": "soutient|soutiennent|soutenu|soutiendra|soutenait|soutenant",
    "promouvoir": "promeut|promeuvent|promu|promouvra|promouvait|promouvant",
    "offrir": "offre|offrent|offert|offrira|offrait|offrant",
    "établir": "établit|établissent|établi|établira|établissait|établissant",
    "définir": "définit|définissent|défini|définira|définissait|définissant",
    "réunir": "réunit|réunissent|réuni|réunira|réunissait|réunissant",
    "construire": "construit|construisent|construit|construira|construisait|construisant",
    "approfondir": "approfondit|approfondissent|approfondi|approfondira|approfondissait|approfondissant",
    "bâtir": "bâtit|bâtissent|bâti|bâtira|bâtissait|bâtissant",
    "concevoir": "conçoit|conçoivent|conçu|concevra|concevait|concevant",
    "élargir": "élargit|élargissent|élargi|élargira|élargissait|élargissant",
    "enrichir": "enrichit|enrichissent|enrichi|enrichira|enrichissait|enrichissant",
    "faire": "fait|font|fait|fera|faisait|faisant",
    "fournir": "fournit|fournissent|fourni|fournira|fournissait|fournissant",
    "jumeler": "jumelle|jumellent|jumelé|jumellera|jumelait|jumelant",
    "maintenir": "maintient|maintiennent|maintenu|maintiendra|maintenait|maintenant",
    "mettre": "met|mettent|mis|mettra|mettait|mettant",
    "nourrir": "nourrit|nourrissent|nourri|nourrira|nourrissait|nourrissant",
    "obtenir": "obtient|obtiennent|obtenu|obtiendra|obtenait|obtenant",
    "poursuivre": "poursuit|poursuivent|poursuivi|poursuivra|poursuivait|poursuivant",
    "produire": "produit|produisent|produit|produira|produisait|produisant",
    "revoir": "revoit|revoient|revu|reverra|revoyait|revoyant",
    "traduire": "traduit|traduisent|traduit|traduira|traduisait|traduisant",
    "transmettre": "transmet|transmettent|transmis|transmettra|transmettait|transmettant",
    "mettre en place": "met en place|mettent en place|mis en place|mettra en place|mettait en place|mettant en place",
    "mettre en valeur": "met en valeur|mettent en valeur|mis en valeur|mettra en valeur|mettait en valeur|mettant en valeur",
    "mettre sur pied": "met sur pied|mettent sur pied|mis sur pied|mettra sur pied|mettait sur pied|mettant sur pied",
    "rejoindre": "rejoint|rejoignent|rejoint|rejoindra|rejoignait|rejoignant",
    "entreprendre": "entreprend|entreprennent|entrepris|entreprendra|entreprenait|entreprenant",
    "recevoir": "reçoit|reçoivent|reçu|recevra|recevait|recevant",
    "reconnaître": "reconnaît|reconnaissent|reconnu|reconnaîtra|reconnaissait|reconnaissant",
    "accroître": "accroît|accroissent|accru|accroîtra|accroissait|accroissant",
    "ouvrir": "ouvre|ouvrent|ouvert|ouvrira|ouvrait|ouvrant",
    "prendre en compte": "prend en compte|prennent en compte|pris en compte|prendra en compte|prenait en compte|prenant en compte",
}


class Verb:
    __slots__ = ("inf", "p3s", "p3p", "pp", "f3s", "f3p", "i3s", "i3p", "c3s", "c3p", "ger")

    def __init__(self, inf, forms=None):
        self.inf = inf
        if forms:
            self.p3s, self.p3p, self.pp, self.f3s, self.i3s, self.ger = forms.split("|")
            # future/conditional/imperfect plurals from the singular
            head, sep, tail = self.f3s.partition(" ")
            self.f3p = head[:-1] + "ont" + sep + tail
            self.c3s = head[:-1] + "ait" + sep + tail
            self.c3p = head[:-1] + "aient" + sep + tail
            head, sep, tail = self.i3s.partition(" ")
            self.i3p = head[:-3] + "aient" + sep + tail
            return
        stem = inf[:-2]
        pres = stem
        m = re.match(r"^(.*)é([^aeiouyéèê]+)$", stem)
        if m:
            pres = m.group(1) + "è" + m.group(2)
        fut_stem = inf
        if stem.endswith(("uy", "oy")):
            pres = stem[:-1] + "i"
            fut_stem = pres + "er"
        soft = stem + "e" if stem.endswith("g") else (stem[:-1] + "ç" if stem.endswith("c") else stem)
        self.p3s, self.p3p = pres + "e", pres + "ent"
        self.pp = stem + "é"
        self.f3s, self.f3p = fut_stem + "a", fut_stem + "ont"
        self.c3s, self.c3p = fut_stem + "ait", fut_stem + "aient"
        self.i3s, self.i3p = soft + "ait", soft + "aient"
        self.ger = soft + "ant"

    def pp_agree(self, g, plural):
        head, sep, tail = self.pp.partition(" ")
        if g == "f":
            head += "es" if plural else "e"
        elif plural and head[-1] != "s":
            head += "s"
        return head + sep + tail


VERBS = [Verb(v) for v in REGULAR_VERBS.split() if not v.endswith("_")]
VERBS += [Verb(k, v) for k, v in IRREGULAR_VERBS.items()]

ADVERBS = """activement rapidement progressivement concrètement durablement efficacement
étroitement graduellement largement notamment particulièrement pleinement régulièrement
simultanément systématiquement davantage ensemble également surtout désormais désormais
habituellement localement collectivement officiellement réellement directement rigoureusement
patiemment discrètement volontairement soigneusement considérablement nettement visiblement""".split()

OPENERS = [
    "Par ailleurs,", "De plus,", "En outre,", "Dans un premier temps,", "Dès le départ,",
    "Concrètement,", "Parallèlement,", "Ainsi,", "Au fil des mois,", "À terme,", "Pour l’instant,",
    "Dans ce contexte,", "À cet égard,", "Sur le terrain,", "En pratique,", "Peu à peu,",
    "Entre-temps,", "À la suite de cette démarche,", "Du côté des partenaires,", "En parallèle,",
    "D’ailleurs,", "Néanmoins,", "Toutefois,", "Malgré tout,", "En revanche,", "Enfin,",
    "Au printemps,", "À l’automne,", "Pendant l’hiver,", "Durant l’été,", "Chaque semaine,",
    "Une fois par mois,", "Depuis le lancement,", "Avec le recul,", "Selon les partenaires,",
    "Pour la première fois,", "Dans la foulée,", "Fait à noter,", "Autrement dit,",
]
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]
FIRST_NAMES_F = """Marie Sophie Isabelle Nathalie Julie Catherine Geneviève Mélanie Valérie Annie
Karine Chantal Josée Émilie Audrey Caroline Véronique Stéphanie Marilyn Amélie Fatima Amina Leïla
Yasmina Nadia Samira Aïcha Mariam Khadija Rania Lucía Camila Daniela Valentina Gabriela Mariana
Ana Linh Mai Olena Oksana Priya Anjali Fatou Aminata Awa Rokia Marie-Ève Anne-Marie Marie-Claude""".split()
FIRST_NAMES_M = """Jean Pierre Michel Daniel Luc Martin Stéphane Sylvain François Mathieu Patrick Éric
Sébastien Guillaume Benoît Alexandre Simon Jérôme Yannick Étienne Olivier Mohamed Ahmed Karim Youssef
Omar Rachid Samir Hamid Carlos Diego Andrés Javier Luis Mateo Minh Tuan Dmytro Andriy Rajesh Arjun
Mamadou Ousmane Moussa Ibrahima Jean-Baptiste Jean-François Marc-André Pierre-Luc""".split()
LAST_NAMES = """Tremblay Gagnon Roy Côté Bouchard Gauthier Morin Lavoie Fortin Gagné Ouellet Pelletier
Bélanger Lévesque Bergeron Leblanc Paquette Girard Simard Boucher Caron Beaulieu Cloutier Dubé
Poirier Fournier Lapointe Leclerc Lefebvre Poulin Thibault St-Pierre Nadeau Martin Landry Martel
Bédard Grenier Lessard Bernier Richard Michaud Hébert Desjardins Couture Turcotte Lachance Parent
Blais Gosselin Savard Proulx Beaudoin Demers Perreault Boudreau Lemieux Cyr Perron Dufour Dion
Mercier Bolduc Bérubé Boisvert Langlois Ménard Therrien Plante Bilodeau Blanchette Dussault
Benali Haddad Khalil Mansour Saïdi Bouzid Ndiaye Diallo Traoré Koné Mbaye Nguyen Tran Pham Hernández
García Rodríguez Martínez López Gómez Pérez Sánchez Ramírez Torres Flores Kovalenko Shevchenko
Sharma Patel Singh Joseph Pierre-Louis Jean-Baptiste Charles Estimé""".split()
ROLES = [(r[0], r[2:]) for r in """f mairesse de {muni}
m maire de {muni}
f conseillère municipale
m conseiller municipal
f coordonnatrice du projet
m chargé de projet
f agente de liaison interculturelle
f directrice générale {org_de}
m directeur général {org_de}
f responsable de l’accueil
m responsable de l’accueil
f préfète de la MRC
m préfet de la MRC
f agente de développement
f intervenante communautaire
m conseiller en immigration
f responsable des ressources humaines
m bénévole de longue date
f participante au projet
m participant au programme
f enseignante en francisation
f directrice du service des loisirs
m agent de migration
f conseillère en emploi
f présidente {org_de}
m président {org_de}
m propriétaire d’une entreprise locale""".splitlines()]
SAY_VERBS = ["souligne", "explique", "précise", "rappelle", "indique", "affirme", "ajoute",
             "note", "raconte", "résume", "observe", "estime", "constate", "confie", "mentionne"]
COUNTRIES = [
    ("Colombie", "f"), ("Maroc", "m"), ("Algérie", "f"), ("Tunisie", "f"), ("Sénégal", "m"),
    ("Cameroun", "m"), ("Côte d’Ivoire", "f"), ("Haïti", "-"), ("France", "f"), ("Belgique", "f"),
    ("Mexique", "m"), ("Guatemala", "m"), ("Philippines", "p"), ("Inde", "f"), ("Syrie", "f"),
    ("Liban", "m"), ("Ukraine", "f"), ("Brésil", "m"), ("Chili", "m"), ("Pérou", "m"),
    ("Vietnam", "m"), ("Chine", "f"), ("République démocratique du Congo", "f"),
    ("Burkina Faso", "m"), ("Mali", "m"), ("Madagascar", "-"), ("Maurice", "-"), ("Iran", "m"),
    ("Afghanistan", "m"), ("Érythrée", "f"), ("Rwanda", "m"), ("Burundi", "m"), ("Bénin", "m"),
    ("Togo", "m"), ("Guinée", "f"), ("Niger", "m"), ("Tchad", "m"), ("Gabon", "m"),
    ("Venezuela", "m"), ("Honduras", "m"), ("El Salvador", "-"), ("Nicaragua", "m"),
    ("Cuba", "-"), ("République dominicaine", "f"), ("Équateur", "m"), ("Bolivie", "f"),
    ("Argentine", "f"), ("Pakistan", "m"), ("Bangladesh", "m"), ("Népal", "m"), ("Sri Lanka", "m"),
    ("Corée du Sud", "f"), ("Japon", "m"), ("Roumanie", "f"), ("Moldavie", "f"), ("Russie", "f"),
    ("Turquie", "f"), ("Égypte", "f"), ("Jordanie", "f"), ("Irak", "m"), ("Éthiopie", "f"),
    ("Somalie", "f"), ("Soudan", "m"), ("Nigeria", "m"), ("Ghana", "m"), ("Kenya", "m"),
    ("Tanzanie", "f"), ("Ouganda", "m"), ("Maurice", "-"), ("Portugal", "m"), ("Espagne", "f"),
    ("Italie", "f"), ("Suisse", "f"), ("Allemagne", "f"), ("Pologne", "f"),
]
LANGUAGES = ["espagnol", "arabe", "anglais", "créole haïtien", "tagalog", "ukrainien", "russe",
             "portugais", "mandarin", "vietnamien", "wolof", "lingala", "swahili", "persan",
             "dari", "pachto", "tigrigna", "hindi", "pendjabi", "ourdou", "bengali", "népalais",
             "kinyarwanda", "kirundi", "peul", "bambara", "amharique", "somali", "turc", "roumain"]
SECTORS = ["agricole", "agroalimentaire", "manufacturier", "forestier", "minier", "touristique",
           "de la santé", "de la construction", "du transport", "de la restauration",
           "de l’hébergement", "de la transformation alimentaire", "de la pêche", "acéricole",
           "aérospatial", "de l’éducation", "des services de garde", "du commerce de détail",
           "de l’aluminium", "de la métallurgie", "de l’énergie", "des technologies de l’information",
           "horticole", "laitier", "de l’usinage", "du meuble", "de la plasturgie", "du camionnage"]
ACTIVITIES = ["cuisine collective", "soccer", "ski de fond", "raquette", "pêche blanche",
              "cabane à sucre", "jardinage", "couture", "conversation", "lecture", "théâtre",
              "danse", "musique", "photographie", "vélo", "randonnée", "patinage", "bricolage",
              "pâtisserie", "cinéma", "généalogie", "peinture", "poterie", "échecs", "improvisation",
              "contes", "chorale", "yoga", "hockey", "baseball", "badminton", "tricot", "astronomie"]
# "article|name": the article is used in prose ("la Table de concertation"),
# the bare name in the front matter.
ORG_PATTERNS = [
    "le |Carrefour jeunesse-emploi {mrc_de}", "la |Chambre de commerce {muni_de}", "le |Cégep {muni_de}",
    "le |Service d’accueil des nouveaux arrivants {muni_de}", "le |Centre d’intégration {muni_de}",
    "la |Maison de la famille {muni_de}", "la |Corporation de développement économique {muni_de}",
    "le |Centre de services scolaire {mrc_de}", "le |CISSS {region_de}", "la |Bibliothèque {muni_de}",
    "la |Coopérative d’habitation {coop}", "la |Table de concertation {mrc_de}",
    "la |Société d’aide au développement {mrc_de}", "le |Centre d’action bénévole {muni_de}",
    "le |Comité d’accueil {muni_de}", "l’|Office municipal d’habitation {muni_de}",
    "le |Regroupement des gens d’affaires {muni_de}", "le |Groupe Entraide {coop}", "le |Collectif Racines {coop}",
]
ORG_FIXED = ["|Services Québec", "l’|UMQ", "la |FQM", "|Desjardins", "|Centraide", "|Emplois en régions",
             "|Vision attractivité", "|Place aux jeunes", "|Québec en Forme", "l’|Université du Québec",
             "|Moisson", "|Accès travail", "|Solidarité rurale", "le |Réseau des femmes",
             "l’|Alliance des gens d’affaires"]
COOP_NAMES = ["Horizon", "Boréale", "Le Phare", "La Source", "Les Sentiers", "L’Envol", "Le Pont",
              "La Ruche", "Les Quatre Vents", "L’Escale", "Le Carrefour", "Aurore", "Arc-en-ciel", "Rives"]
PROJECT_NAMES = ["Passeport accueil", "Bienvenue chez nous", "Cap sur {muni}", "Racines et horizons",
                 "Ici, ensemble", "Portes ouvertes", "Le Pont", "Terre d’accueil", "Nouveaux voisins",
                 "Vivre en région", "Tisser des liens", "Premiers pas", "Cap intégration", "Ancrages",
                 "Boussole", "Entre voisins", "L’Escale", "Mosaïque", "Trait d’union", "Élan régional",
                 "Cœur de village", "Solidarités croisées", "Accueil plus", "Mon nouveau chez-moi",
                 "Destination {muni}", "S’enraciner à {muni}", "Le Relais", "Carrefour des cultures"]
TITLE_HEADS = [
    "Un guichet unique d’accueil", "Une trousse d’accueil", "Un programme de jumelage interculturel",
    "La francisation en milieu de travail", "Un comité d’accueil citoyen", "Une politique d’accueil et d’intégration",
    "Un plan d’action en immigration", "Des logements pour les travailleurs étrangers temporaires",
    "Une agente de liaison interculturelle", "Un forum sur la régionalisation de l’immigration",
    "Des cafés-rencontres interculturels", "Un parcours d’intégration pour les familles",
    "Une mission de recrutement international", "Un répertoire de ressources pour les nouveaux arrivants",
    "La formation des intervenants municipaux", "Des ateliers de sensibilisation au racisme",
    "Un service de navette pour les travailleurs", "Un diagnostic des besoins en main-d’œuvre",
    "Une table de concertation en immigration", "Des activités de loisir inclusives",
    "L’accompagnement des étudiants internationaux", "Un mentorat pour les entrepreneurs immigrants",
    "Une fête des voisins interculturelle", "Un projet de maillage entre employeurs et candidats",
    "Un accueil personnalisé à la bibliothèque", "Des séances d’information pour les employeurs",
    "La reconnaissance des compétences", "Un camp de jour ouvert à tous", "Un programme d’ambassadeurs",
    "Une stratégie d’attraction régionale", "Un soutien scolaire pour les élèves allophones",
    "Un réseau de familles d’accueil", "Des cliniques d’impôt multilingues", "Un plan de rétention des talents",
    "Une halte-garderie pendant les cours de francisation", "Un circuit de découverte du territoire",
    "Des jardins collectifs interculturels", "Un salon de l’emploi régional", "Une brigade d’accueil citoyenne",
    "La médiation interculturelle en HLM", "Un bottin des services en plusieurs langues",
    "Une semaine québécoise des rencontres interculturelles", "Des visites exploratoires pour futurs résidents",
    "Un accompagnement vers le logement", "Une cellule de veille sur la main-d’œuvre",
    "Un programme de parrainage d’entreprises", "Des capsules vidéo sur la vie municipale",
    "Une politique municipale de lutte contre le racisme", "Le transport collectif pour les nouveaux arrivants",
    "Un projet pilote d’intégration en emploi", "Des cuisines collectives du monde",
    "Un comité consultatif sur la diversité", "L’embauche de personnes immigrantes à la Ville",
    "Une trousse pour les employeurs", "Un carrefour interculturel à la bibliothèque",
    "Des cours de francisation à temps partiel", "Un parcours citoyen pour les nouveaux arrivants",
    "Une tournée des régions pour les étudiants internationaux", "Un accueil des familles réfugiées",
    "Un plan d’action pour l’inclusion",
]
TITLE_TAILS = [" : phase 2", " : bilan de la première année", " (volet jeunesse)", " (volet employeurs)",
               " : une démarche concertée", ", de l’idée à la pratique", " : retour d’expérience",
               " (projet pilote)", " : deuxième édition", " : ce qui a fonctionné", " (volet familles)",
               " : un modèle à partager", ", étape par étape"]
HEADINGS = {
    "context": ["Contexte", "Mise en contexte", "Le point de départ", "Un territoire en changement", "Portrait du milieu"],
    "goals": ["Objectifs", "Ce que le projet visait", "Les objectifs poursuivis", "Intentions de départ"],
    "method": ["Démarche", "Mise en œuvre", "Comment le projet s’est déployé", "Les étapes", "Déroulement"],
    "results": ["Résultats", "Retombées", "Ce que le projet a changé", "Bilan", "Effets observés"],
    "lessons": ["Leçons apprises", "Ce que nous retenons", "Conseils aux municipalités", "Pour aller plus loin"],
    "partners": ["Partenaires et financement", "Qui a participé", "Collaborations", "Les partenaires"],
}

# --------------------------------------------------------------------------
# Noun phrase builders
# --------------------------------------------------------------------------

APOS = "’"


def art_def(n: Noun, pl: bool) -> str:
    if pl:
        return "les " + n.pl
    if n.el:
        return "l’" + n.sg
    return ("le " if n.g == "m" else "la ") + n.sg


def art_indef(n: Noun, pl: bool) -> str:
    if pl:
        return "des " + n.pl
    return ("un " if n.g == "m" else "une ") + n.sg


def art_dem(n: Noun, pl: bool) -> str:
    if pl:
        return "ces " + n.pl
    if n.g == "f":
        return "cette " + n.sg
    return ("cet " if n.el else "ce ") + n.sg


def de(np: str) -> str:
    """Preposition de + noun phrase, with contractions and elision."""
    if np.startswith("le "):
        return "du " + np[3:]
    if np.startswith("les "):
        return "des " + np[4:]
    if np.startswith("des "):
        return "de " + np[4:]
    if np.startswith(("un ", "une ")):
        return "d’" + np
    if np.startswith(("la ", "l’", "ce ", "cet", "cette ", "ces ")):
        return "de " + np
    if np and elides(np):
        return "d’" + np
    return "de " + np


def a(np: str) -> str:
    if np.startswith("le "):
        return "au " + np[3:]
    if np.startswith("les "):
        return "aux " + np[4:]
    return "à " + np


def que(word: str) -> str:
    return "qu’" + word if elides(word) else "que " + word


def place_de(name: str) -> str:
    """'de' before a place name that may carry an article (Le Granit -> du Granit)."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    if name.startswith("La "):
        return "de La " + name[3:]
    if name.startswith("L'"):
        return "de L’" + name[2:]
    return ("d’" if elides(name) else "de ") + name.replace("'", "’")


def place_a(name: str) -> str:
    if name.startswith("Le "):
        return "au " + name[3:]
    if name.startswith("Les "):
        return "aux " + name[4:]
    return "à " + name.replace("'", "’")


def country_de(c):
    name, g = c
    if g == "p":
        return "des " + name
    if g == "m" and not elides(name):
        return "du " + name
    return ("d’" if elides(name) else "de ") + name


def slugify(s: str) -> str:
    s = unicodedata.normalize("NFKD", s.replace("œ", "oe").replace("Œ", "Oe"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s


def fr_int(n: int) -> str:
    """French thousands separator (narrow no-break space)."""
    s = f"{n:,}"
    return s.replace(",", NNBSP)


# --------------------------------------------------------------------------
# One case study
# --------------------------------------------------------------------------


class Doc:
    """Everything one case study is about, plus its RNG."""

    def __init__(self, rng: random.Random, index: int):
        self.rng = rng
        self.index = index
        r = rng
        ri = r.choices(range(len(REGIONS)), weights=REGION_WEIGHTS)[0]
        self.region_code, self.region, places = REGIONS[ri]
        k = 1 if r.random() < 0.8 else r.randint(2, 3)
        picks = r.sample(places, min(k, len(places)))
        self.munis = [p[0] for p in picks]
        self.muni = self.munis[0]
        mrcs = [p[1] for p in picks if p[1]]
        self.mrc = mrcs[0] if mrcs else None
        self.year = r.randint(2015, 2025)
        self.org_names = self.make_orgs()
        self.people_f = [f"{r.choice(FIRST_NAMES_F)} {r.choice(LAST_NAMES)}" for _ in range(2)]
        self.people_m = [f"{r.choice(FIRST_NAMES_M)} {r.choice(LAST_NAMES)}" for _ in range(2)]
        self.countries = r.sample(COUNTRIES, 6)
        self.project = r.choice(PROJECT_NAMES).format(muni=self.muni.replace("'", "’"))
        self.nouns = r.sample(NOUNS, 60)  # a per-document "topic" subset: more repetition, like real text
        self.adjs = r.sample(ADJS, 40)
        self.verbs = r.sample(VERBS, 45)
        self.people = r.sample(PEOPLE, 14)

    def make_orgs(self):
        r = self.rng
        out = {}
        for _ in range(r.randint(2, 4)):
            if r.random() < 0.25:
                spec = r.choice(ORG_FIXED)
            else:
                spec = r.choice(ORG_PATTERNS).format(
                    muni_de=place_de(self.muni), mrc_de=place_de(self.mrc or self.muni),
                    region_de=REGION_IN[self.region][1], coop=r.choice(COOP_NAMES))
            art, name = spec.split("|")
            out[name] = art + name
        self.org_nps = list(out.values())
        return list(out)

    # ---- phrase pieces -------------------------------------------------
    def noun(self):
        r = self.rng
        return r.choice(self.nouns) if r.random() < 0.8 else r.choice(NOUNS)

    def adj(self):
        r = self.rng
        return r.choice(self.adjs) if r.random() < 0.75 else r.choice(ADJS)

    def verb(self):
        r = self.rng
        return r.choice(self.verbs) if r.random() < 0.75 else r.choice(VERBS)

    def person_np(self, pl=True, definite=True):
        r = self.rng
        p = r.choice(self.people) if r.random() < 0.8 else r.choice(PEOPLE)
        return art_def(p, pl) if definite else art_indef(p, pl)

    def people_count(self):
        r = self.rng
        p = r.choice(self.people)
        n = r.choice([r.randint(3, 40), r.randint(40, 400), r.randint(5, 120)])
        return f"{fr_int(n)} {p.pl}", p

    def obj(self, allow_pl=True):
        return self.obj_n(allow_pl)[0]

    def obj_n(self, allow_pl=True):
        """Object noun phrase, with its head noun and number (for agreement)."""
        r = self.rng
        n = self.noun()
        pl = allow_pl and r.random() < 0.35
        x = r.random()
        np = art_def(n, pl) if x < 0.55 else (art_indef(n, pl) if x < 0.9 else art_dem(n, pl))
        if r.random() < 0.45:
            np += " " + self.adj().agree(n.g, pl)
        y = r.random()
        if y < 0.15:
            np += " " + de(self.person_np())
        elif y < 0.22:
            np += " " + place_de(self.muni)
        elif y < 0.30:
            np += " " + de(art_def(self.noun(), False))
        return np, n, pl

    def subj(self):
        """Singular subject."""
        r = self.rng
        x = r.random()
        if x < 0.25:
            return "la Ville " + place_de(self.muni)
        if x < 0.35 and self.mrc:
            return "la MRC " + place_de(self.mrc)
        if x < 0.5:
            return r.choice(self.org_nps)
        if x < 0.6:
            return "le projet"
        n = r.choice(AGENTS)
        return art_def(n, False)

    def subj_pl(self):
        r = self.rng
        x = r.random()
        if x < 0.5:
            return self.person_np(pl=True)
        return r.choice(["les partenaires", "les membres du comité", "plusieurs organismes",
                         "de nombreux bénévoles", "les municipalités voisines", "les élus",
                         "les employeurs de la région", "les équipes municipales",
                         "les organismes communautaires", "quelques entreprises"])

    def purpose(self):
        r = self.rng
        v = self.verb()
        lead = r.choice(["afin de", "pour", "dans le but de", "en vue de", "de manière à"])
        inf = v.inf
        if lead.endswith(" de") and elides(inf):
            lead = lead[:-3] + " d’"
            return f"{lead}{inf} {self.obj()}"
        return f"{lead} {inf} {self.obj()}"

    def place(self):
        r = self.rng
        x = r.random()
        if x < 0.4:
            return place_a(self.muni)
        if x < 0.6 and self.mrc:
            return "dans la MRC " + place_de(self.mrc)
        if x < 0.8:
            return REGION_IN[self.region][0]
        return "sur l’ensemble du territoire"

    def when(self):
        r = self.rng
        y = self.year + r.randint(-1, 2)
        return r.choice([f"en {r.choice(MONTHS)} {y}", f"au cours de l’année {y}", f"depuis {y}",
                         f"à l’automne {y}", f"au printemps {y}", f"dès {y}", f"entre {y} et {y + 2}"])

    def quote_person(self):
        r = self.rng
        g, role = r.choice(ROLES)
        role = role.format(muni=self.muni.replace("'", "’"), org_de=de(r.choice(self.org_nps)))
        names = self.people_f if g == "f" else self.people_m
        return f"{r.choice(names)}, {role}"

    def money(self):
        r = self.rng
        n = r.randrange(5_000, 900_000, 500)
        return fr_int(n) + NBSP + "$"

    def pct(self):
        return f"{self.rng.randint(5, 95)}{NBSP}%"

    # ---- sentences -----------------------------------------------------
    def sentence(self) -> str:
        r = self.rng
        t = r.randrange(26)
        v = self.verb()
        if t == 0:
            s = f"{r.choice(OPENERS)} {self.subj()} {v.p3s} {self.obj()} {self.purpose()}"
        elif t == 1:
            s = f"{self.subj()} a {r.choice(ADVERBS)} {v.pp} {self.obj()} {self.place()}"
        elif t == 2:
            v2 = self.verb()
            s = f"{self.subj_pl()} {v.p3p} {self.obj()} et {v2.p3p} {self.obj()}"
        elif t == 3:
            cnt, _ = self.people_count()
            s = f"{self.when()}, plus de {cnt} ont participé {a(self.obj(False))}"
        elif t == 4:
            s = f"le projet repose sur {self.obj()} qui {v.p3s} {self.obj()}"
        elif t == 5:
            inner = f"{self.subj_pl()} {v.p3p} {self.obj()} {self.purpose()}"
            s = f"«{NBSP}{inner[0].upper()}{inner[1:]}{NBSP}», {r.choice(SAY_VERBS)} {self.quote_person()}"
        elif t == 6:
            s = f"selon {self.quote_person()}, {self.subj()} {v.f3s} {self.obj()} d’ici {self.year + r.randint(2, 6)}"
        elif t == 7:
            n = self.noun()
            s = f"cette démarche s’inscrit dans {art_def(n, False)} {self.adj().agree(n.g, False)} {de(self.obj(False))}"
        elif t == 8:
            v2 = self.verb()
            s = f"{self.subj()} {v.i3s} déjà {self.obj()}, mais {self.subj_pl()} {v2.p3p} désormais {self.obj()}"
        elif t == 9:
            c1, c2, c3 = r.sample(self.countries, 3)
            cnt, _ = self.people_count()
            s = f"{cnt} originaires {country_de(c1)}, {country_de(c2)} et {country_de(c3)} ont {v.pp} {self.obj()}"
        elif t == 10:
            a1, a2 = r.sample(ACTIVITIES, 2)
            v2 = self.verb()
            s = f"les activités de {a1} et de {a2} ont permis {de(v2.inf)} {self.obj()} {r.choice(ADVERBS)}"
        elif t == 11:
            s = f"{self.person_np().capitalize()} du secteur {r.choice(SECTORS)} bénéficient désormais {de(self.obj())}"
        elif t == 12:
            s = f"un budget de {self.money()} a été consacré {a(self.obj(False))}, {v.ger} {self.obj()}"
        elif t == 13:
            v2 = self.verb()
            s = f"{r.choice(OPENERS)} {self.subj()} souhaite {v.inf} {self.obj()} et {v2.inf} {self.obj()}"
        elif t == 14:
            n = self.noun()
            s = f"il s’agit {de(art_indef(n, False))} {self.adj().agree(n.g, False)} qui {v.p3s} {self.obj()} {self.place()}"
        elif t == 15:
            n = self.noun()
            s = (f"plusieurs {n.pl} {self.adj().agree(n.g, True)} ont été {v.pp_agree(n.g, True)} "
                 f"{self.when()}")
        elif t == 16:
            s = f"{self.subj()} a notamment {v.pp} {self.obj()}, {self.obj()} et {self.obj()}"
        elif t == 17:
            s = f"près de {self.pct()} {de(self.person_np())} interrogés {self.place()} disent {v.inf} {self.obj()} plus facilement"
        elif t == 18:
            lang = r.sample(LANGUAGES, 2)
            s = (f"les documents ont été traduits en {lang[0]} et en {lang[1]}, ce qui {v.p3s} "
                 f"{self.obj()}")
        elif t == 19:
            s = f"{self.when()}, {self.subj()} {v.c3s} {self.obj()} si {self.obj(False)} le permettait"
        elif t == 20:
            s = (f"sans {self.obj(False)}, {self.subj_pl()} n’auraient pas pu {v.inf} {self.obj()}")
        elif t == 21:
            s = f"la participation {de(self.person_np())} {v.p3s} {self.obj()} {self.purpose()}"
        elif t == 22:
            s = f"{self.obj(False)} {self.place()} demeure {r.choice(['fragile', 'un défi', 'une priorité', 'un enjeu majeur', 'un atout', 'insuffisant'])}, {r.choice(['notamment', 'surtout', 'en particulier'])} pour {self.person_np()}"
        elif t == 23:
            s = f"{self.subj()} {v.p3s} aussi {self.obj()} {self.when()}"
        elif t == 24:
            s = f"en {v.ger} {self.obj()}, {self.subj_pl()} {self.verb().p3p} {self.obj()}"
        else:
            s = f"{self.subj()} et {r.choice(self.org_nps)} {v.i3p} {self.obj()} {self.place()}"
        s = s[0].upper() + s[1:]
        end = "." if r.random() < 0.93 else (" !" if r.random() < 0.3 else ".")
        if end == " !":
            end = NBSP + "!"
        return s + end

    def paragraph(self, lo=3, hi=6) -> str:
        r = self.rng
        sents = [self.sentence() for _ in range(r.randint(lo, hi))]
        if r.random() < 0.15:  # emphasis or a link, as authors do
            i = r.randrange(len(sents))
            words = sents[i].split(" ")
            if len(words) > 6:
                j = r.randrange(1, len(words) - 3)
                if r.random() < 0.5:
                    words[j] = f"**{words[j]} {words[j + 1]}**"
                    del words[j + 1]
                else:
                    words[j] = f"[{words[j]}](https://{slugify(self.muni)}.example.org/{slugify(words[j]) or 'page'})"
                sents[i] = " ".join(words)
        return " ".join(sents)

    def list_item(self, kind) -> str:
        r = self.rng
        v = self.verb()
        if kind == "goals":
            it = f"{v.inf} {self.obj()}"
            if r.random() < 0.4:
                it += " " + self.place()
        elif kind == "results":
            cnt, p = self.people_count()
            if r.random() < 0.5:
                it = f"{cnt} {self.verb().pp_agree(p.g, True)} {self.when()}"
            else:
                np, n, pl = self.obj_n()
                it = f"{np} {v.pp_agree(n.g, pl)} et {self.verb().pp_agree(n.g, pl)}"
        else:
            it = f"{v.inf} {self.obj()} {r.choice(['dès le départ', 'le plus tôt possible', 'avec les partenaires', 'sur plusieurs années', 'en continu'])}"
        return it[0].upper() + it[1:]

    def table(self) -> str:
        r = self.rng
        rows = ["| Année | Activité | Participants | Montant |", "|---|---|---:|---:|"]
        y = self.year
        for k in range(r.randint(3, 5)):
            n = self.noun()
            rows.append(f"| {y + k} | {art_indef(n, False).capitalize()} {self.adj().agree(n.g, False)} "
                        f"| {r.randint(8, 300)} | {self.money()} |")
        return "\n".join(rows)

    def heading(self, key) -> str:
        return "## " + self.rng.choice(HEADINGS[key])

    def body(self, target_words: int) -> str:
        r = self.rng
        parts = [self.heading("context"), self.paragraph(), self.paragraph()]
        parts += [self.heading("goals"), self.paragraph(1, 2),
                  "\n".join("- " + self.list_item("goals") for _ in range(r.randint(3, 5)))]
        parts += [self.heading("method"), self.paragraph(), self.paragraph()]
        if r.random() < 0.2:
            parts.append(self.table())
        tail = [self.heading("results"), self.paragraph(),
                "\n".join("- " + self.list_item("results") for _ in range(r.randint(2, 4))),
                self.heading("lessons"), self.paragraph(2, 4)]
        if r.random() < 0.5:
            tail += [self.heading("partners"), self.paragraph(2, 3)]
        words = sum(p.count(" ") + 1 for p in parts + tail)
        extra = []
        while words < target_words:
            p = self.paragraph(2, 5)
            words += p.count(" ") + 1
            extra.append(p)
        parts += extra  # the method section grows until the target length
        return "\n\n".join(parts + tail) + "\n"

    def title(self) -> str:
        r = self.rng
        x = r.random()
        muni = self.muni.replace("'", "’")
        head = r.choice(TITLE_HEADS)
        if x < 0.5:
            t = f"{head} {place_a(muni)}"
        elif x < 0.7 and self.mrc:
            t = f"{head} dans la MRC {place_de(self.mrc)}"
        elif x < 0.9:
            t = f"{self.project} : {head[0].lower() + head[1:]}"
        else:
            t = f"{head} {REGION_IN[self.region][0]}"
        if r.random() < 0.3:
            t += r.choice(TITLE_TAILS)
        return t

    def summary(self) -> str:
        s = self.sentence()
        if self.rng.random() < 0.5:
            s += " " + self.sentence()
        return s


# --------------------------------------------------------------------------
# Front matter
# --------------------------------------------------------------------------

PLAIN_OK = re.compile(r"^[A-Za-zÀ-ÿŒœ][\w\s'’\-–.]*$")


def q(s: str) -> str:
    """Double-quoted YAML scalar."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def scalar(s: str) -> str:
    return s if PLAIN_OK.match(s) and not s.lower() in ("yes", "no", "true", "false", "null", "on", "off") else q(s)


def flow(items) -> str:
    return "[" + ", ".join(scalar(i) for i in items) + "]"


def date_str(y, m, d):
    return f"{y:04d}-{m:02d}-{d:02d}"


def front_matter(doc: Doc, title: str, apos: str) -> str:
    r = doc.rng
    fix = (lambda s: s.replace("’", apos)) if apos != "’" else (lambda s: s)
    y = doc.year
    date = date_str(y, r.randint(1, 12), r.randint(1, 28))
    start_y = y - r.randint(0, 2)
    start = date_str(start_y, r.randint(1, 12), 1)
    end_m = r.choice([3, 6, 12])
    end = date_str(start_y + r.randint(1, 4), end_m, 30 if end_m == 6 else 31)
    status = r.choices([s for s, _ in STATUSES], weights=[w for _, w in STATUSES])[0]
    lines = ["---", f"title: {q(fix(title))}", f"date: {date}", f"summary: {q(fix(doc.summary()))}"]
    munis = doc.munis
    if len(munis) == 1:
        lines.append(f"municipality: {scalar(munis[0])}")
    else:
        lines.append(f"municipality: {flow(munis)}")
    region = q(doc.region_code) if r.random() < 0.1 else scalar(doc.region)
    lines.append(f"region: {region}")
    if doc.mrc and r.random() < 0.75:
        lines.append(f"mrc: {scalar(doc.mrc)}")
    lines.append(f"population: {int(10 ** r.uniform(2.7, 5.8)) // 10 * 10}")
    lines.append(f"themes: {flow(r.sample(THEMES, r.choice([1, 2, 2, 3])))}")
    lines.append(f"target_groups: {flow(r.sample(TARGET_GROUPS, r.choice([1, 2, 2, 3])))}")
    lines.append(f"partners: {flow([fix(o) for o in doc.org_names])}")
    nfund = r.choice([0, 1, 1, 1, 2, 2, 3])
    if nfund:
        lines.append("funding:")
        for prog, funder in r.sample(PROGRAMS, nfund):
            fs = date_str(start_y + r.randint(0, 1), r.randint(1, 12), 1)
            fe = date_str(int(fs[:4]) + r.randint(1, 3), 3, 31)
            lines += [f"  - program: {scalar(prog)}", f"    funder: {funder}",
                      f"    amount: {r.randrange(10_000, 900_000, 500)}", "    currency: CAD",
                      f"    start: {fs}", f"    end: {fe}"]
    lines.append(f"period: {{start: {start}, end: {end}}}")
    lines.append(f"status: {status}")
    lines.append("outcomes: [" + ", ".join(q(fix(doc.list_item("results"))) for _ in range(r.randint(1, 4))) + "]")
    lines.append("lessons: [" + ", ".join(q(fix(doc.list_item("lessons"))) for _ in range(r.randint(1, 3))) + "]")
    lines.append(f"contact: {r.choice(['accueil', 'immigration', 'info', 'developpement', 'communications'])}"
                 f"@{slugify(doc.muni)}.example")
    lines.append("sources:")
    for _ in range(r.randint(1, 3)):
        kind = r.choice(["Rapport annuel", "Bilan du projet", "Communiqué de presse", "Plan d’action",
                         "Portrait statistique", "Politique d’accueil", "Présentation au conseil"])
        lines += [f"  - title: {q(fix(kind + ' ' + str(y + r.randint(-1, 2))))}",
                  f"    url: https://{slugify(r.choice(doc.org_names))}.example.org/{slugify(kind)}-{doc.index}"]
    lines.append(f"tags: {flow(r.sample(TAGS, r.randint(1, 4)))}")
    lines.append(f"featured: {'true' if r.random() < 0.03 else 'false'}")
    lines.append("lang: fr")
    lines.append("---")
    return "\n".join(lines) + "\n"


def make_case_study(seed: int, index: int, slugs: set) -> tuple[str, str, int]:
    rng = random.Random(seed * 1_000_003 + index)
    doc = Doc(rng, index)
    title = doc.title()
    base = slugify(title)[:70].rstrip("-")
    slug, k = base, 2
    while slug in slugs:
        slug, k = f"{base}-{k}", k + 1
    slugs.add(slug)
    apos = "’" if rng.random() < 0.6 else "'"
    fm = front_matter(doc, title, apos)
    target = int(rng.gauss(780, 60))
    body = doc.body(target)
    if apos != "’":
        body = body.replace("’", apos)
    return slug, fm + "\n" + body, body.count(" ") + body.count("\n")


ABOUT = """---
title: "À propos"
summary: "Ce site rassemble des études de cas sur l'accueil et l'intégration des personnes immigrantes dans les municipalités du Québec."
lang: fr
---

## Pourquoi ce site

Ce recueil présente des pratiques municipales en matière d’accueil, d’intégration et de
rétention des personnes immigrantes. Chaque étude de cas décrit le contexte, la démarche,
les partenaires, le financement et les résultats obtenus.

## Comment l’utiliser

- Parcourez les études de cas par région, par thème ou par public cible.
- Utilisez la recherche pour trouver une pratique précise, par exemple « francisation des travailleurs ».
- Imprimez une étude de cas pour la présenter au conseil municipal.

*Contenu synthétique généré pour les bancs d’essai de Passerelle.*
"""

WORD_RE = re.compile(r"[^\W\d_]+(?:[-][^\W\d_]+)*", re.UNICODE)
ELISION_RE = re.compile(r"\b(?:l|d|qu|j|n|s|c|m|t|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of case studies")
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--stats", action="store_true", help="print word statistics to stderr")
    ap.add_argument("--config", type=Path, default=REPO_ROOT / "config.yaml",
                    help="config.yaml to copy into OUTDIR (default: the repository's)")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    out: Path = args.outdir
    cs_dir = out / "content" / "etudes-de-cas"
    if cs_dir.exists():
        shutil.rmtree(cs_dir)  # stale files from a larger N would skew the corpus
    cs_dir.mkdir(parents=True)

    if args.config.is_file():
        shutil.copyfile(args.config, out / "config.yaml")
    else:
        print(f"gen_corpus: warning: {args.config} not found; {out}/config.yaml not written",
              file=sys.stderr)
    (out / "content" / "a-propos.md").write_text(ABOUT, encoding="utf-8")

    slugs: set = set()
    total_words = 0
    vocab: set = set()
    for i in range(args.n):
        slug, text, words = make_case_study(args.seed, i, slugs)
        total_words += words
        with open(cs_dir / f"{slug}.md", "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        if args.stats:
            vocab.update(w.lower() for w in WORD_RE.findall(ELISION_RE.sub(" ", text)))

    dt = time.perf_counter() - t0
    print(f"gen_corpus: wrote {args.n} case studies to {cs_dir} in {dt:.1f}s", file=sys.stderr)
    if args.stats:
        print(f"gen_corpus: body tokens ≈ {total_words} (≈ {total_words // max(1, args.n)} per case study); "
              f"distinct words (lowercased, elisions stripped) = {len(vocab)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
