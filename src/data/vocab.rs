//! The closed vocabularies of the domain (docs/SCENARIO.md, docs/FIELDS.md), in canonical order.
//!
//! Each enum's discriminant is its canonical index; `ALL` lists the values in canonical order and
//! `as_str` gives the exact output spelling.

macro_rules! vocab {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[repr(u8)]
        pub enum $name { $($(#[$vm])* $v),+ }
        impl $name {
            /// Every value, in canonical order.
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            /// The number of values.
            pub const COUNT: usize = Self::ALL.len();
            /// The output spelling.
            #[inline]
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$v => $s),+ }
            }
            /// The output spelling as a JSON string, quotes included (no word needs escaping).
            #[inline]
            pub const fn quoted(self) -> &'static str {
                match self { $($name::$v => concat!("\"", $s, "\"")),+ }
            }
            /// The canonical index.
            #[inline(always)]
            pub const fn index(self) -> usize { self as usize }
            /// The value with output spelling `s`.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$v),)+ _ => None }
            }
        }
        impl Default for $name {
            /// The first value in canonical order (a placeholder for reused records).
            fn default() -> Self { Self::ALL[0] }
        }
    };
}

vocab! {
    /// Warfare type of a stream; `Mixed` labels special events (not configurable).
    Warfare {
        /// Conventional.
        Conventional = "conventional",
        /// Artillery.
        Artillery = "artillery",
        /// Urban.
        Urban = "urban",
        /// Guerrilla.
        Guerrilla = "guerrilla",
        /// Drone.
        Drone = "drone",
        /// Naval.
        Naval = "naval",
        /// CBRN.
        Cbrn = "cbrn",
        /// Peacekeeping.
        Peacekeeping = "peacekeeping",
        /// Special events.
        Mixed = "mixed",
    }
}

impl Warfare {
    /// The eight configurable warfare types (`t_index` 0…7).
    pub const TYPES: [Warfare; 8] = [
        Warfare::Conventional,
        Warfare::Artillery,
        Warfare::Urban,
        Warfare::Guerrilla,
        Warfare::Drone,
        Warfare::Naval,
        Warfare::Cbrn,
        Warfare::Peacekeeping,
    ];
}

vocab! {
    /// Injury type (canonical order BI, NBI, Disease).
    InjuryType {
        /// Battle Injury.
        BattleInjury = "Battle Injury",
        /// Non-Battle Injury.
        NonBattleInjury = "Non-Battle Injury",
        /// Disease.
        Disease = "Disease",
    }
}

vocab! {
    /// NATO triage category.
    Triage {
        /// Immediate.
        T1 = "T1",
        /// Delayed.
        T2 = "T2",
        /// Minimal.
        T3 = "T3",
    }
}

vocab! {
    /// A location of the evacuation chain; the index is the facility level L.
    Facility {
        /// Point of injury.
        Poi = "POI",
        /// Role 1.
        Role1 = "Role1",
        /// Role 2.
        Role2 = "Role2",
        /// Role 3.
        Role3 = "Role3",
        /// Role 4.
        Role4 = "Role4",
    }
}

impl Facility {
    /// The next facility of the chain (`None` after Role 4).
    pub fn next(self) -> Option<Facility> {
        Facility::ALL.get(self.index() + 1).copied()
    }
}

vocab! {
    /// Environmental condition (docs/GENERATION.md#environment).
    EnvCondition {
        /// Rain.
        Rain = "rain",
        /// Fog.
        Fog = "fog",
        /// Storm.
        Storm = "storm",
        /// Extreme heat.
        ExtremeHeat = "extreme_heat",
        /// Extreme cold.
        ExtremeCold = "extreme_cold",
        /// Dust storm.
        DustStorm = "dust_storm",
        /// Night operations (active 20:00–05:59 only).
        NightOperations = "night_operations",
        /// Mountainous terrain.
        MountainousTerrain = "mountainous_terrain",
        /// Urban debris.
        UrbanDebris = "urban_debris",
    }
}

/// A set of environmental conditions as a bit mask (bit = canonical index).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash)]
pub struct EnvSet(pub u16);

impl EnvSet {
    /// Whether `c` is in the set.
    #[inline]
    pub fn contains(self, c: EnvCondition) -> bool {
        self.0 & (1 << c.index()) != 0
    }
    /// Adds `c`.
    #[inline]
    pub fn insert(&mut self, c: EnvCondition) {
        self.0 |= 1 << c.index();
    }
    /// Whether the set is empty.
    #[inline]
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// The members in canonical order.
    pub fn iter(self) -> impl Iterator<Item = EnvCondition> {
        EnvCondition::ALL.iter().copied().filter(move |c| self.contains(*c))
    }
}

vocab! {
    /// Scenario intensity.
    Intensity {
        /// Low.
        Low = "low",
        /// Medium.
        Medium = "medium",
        /// High.
        High = "high",
        /// Extreme.
        Extreme = "extreme",
    }
}

vocab! {
    /// Daily tempo profile.
    Tempo {
        /// Flat.
        Sustained = "sustained",
        /// Rising.
        Escalating = "escalating",
        /// Peak on days 2–4.
        Surge = "surge",
        /// Falling.
        Declining = "declining",
        /// Alternating.
        Intermittent = "intermittent",
    }
}

vocab! {
    /// Special-event kind, in rank order.
    SpecialEventKind {
        /// Mass-casualty incident.
        MassCasualty = "mass_casualty",
        /// Major offensive.
        MajorOffensive = "major_offensive",
        /// Ambush.
        Ambush = "ambush",
    }
}

vocab! {
    /// Flow model.
    FlowModel {
        /// Classic sequential chain.
        Classic = "classic",
        /// Markov routing.
        Markov = "markov",
        /// The clinical model (docs/MODEL.md): outcome from injury severity and time to care.
        Clinical = "clinical",
    }
}

vocab! {
    /// Gender.
    Gender {
        /// Male.
        Male = "male",
        /// Female.
        Female = "female",
    }
}

vocab! {
    /// Body part (docs/FIELDS.md#json-record-ndjson-json-json-wrapped).
    BodyPart {
        /// Head.
        Head = "Head",
        /// Torso.
        Torso = "Torso",
        /// Left arm.
        LeftArm = "Left Arm",
        /// Right arm.
        RightArm = "Right Arm",
        /// Left leg.
        LeftLeg = "Left Leg",
        /// Right leg.
        RightLeg = "Right Leg",
    }
}

impl BodyPart {
    /// Whether this is an arm or a leg.
    #[inline]
    pub fn is_limb(self) -> bool {
        !matches!(self, BodyPart::Head | BodyPart::Torso)
    }
}

vocab! {
    /// Outcome status (docs/FIELDS.md#json-record-ndjson-json-json-wrapped).
    Status {
        /// Killed in action.
        Kia = "KIA",
        /// Died of wounds.
        Dow = "DOW",
        /// Returned to duty.
        Rtd = "RTD",
        /// Still in care at Role 4 when the record ends (clinical model: not fit to return).
        RemainsRole4 = "Remains_Role4",
        /// Non-battle death: a disease or non-battle-injury casualty who died (never "KIA").
        Nbd = "NBD",
    }
}

impl Status {
    /// Whether the patient died (KIA, DOW or a non-battle death).
    #[inline]
    pub fn is_death(self) -> bool {
        matches!(self, Status::Kia | Status::Dow | Status::Nbd)
    }
}

vocab! {
    /// Wounding mechanism (clinical model; docs/MODEL.md §2).
    Mechanism {
        /// Explosive and fragmentation (artillery, mortar, IED, grenade, drone munition).
        Explosive = "explosive",
        /// Gunshot.
        Gunshot = "gunshot",
        /// Blunt (vehicle, fall, building collapse, blast displacement).
        Blunt = "blunt",
        /// Thermal burn.
        Burn = "burn",
        /// Chemical, biological, radiological or nuclear agent.
        Cbrn = "cbrn",
        /// Disease.
        Disease = "disease",
        /// Non-battle injury.
        NonBattleInjury = "non_battle_injury",
    }
}

vocab! {
    /// ISS body region of a condition (Baker et al., J Trauma 1974; clinical model).
    IssRegion {
        /// Head or neck (brain, skull, cervical spine).
        HeadNeck = "head_neck",
        /// Face (eyes, ears, facial skeleton).
        Face = "face",
        /// Chest (thoracic organs, ribs, thoracic spine).
        Chest = "chest",
        /// Abdomen or pelvic contents (lumbar spine).
        Abdomen = "abdomen",
        /// Extremities or pelvic girdle.
        Extremities = "extremities",
        /// External (skin: burns, lacerations, contusions) and systemic effects (poisoning,
        /// radiation, illness).
        External = "external",
    }
}

vocab! {
    /// MEDEVAC precedence (clinical model; docs/MODEL.md §5).
    Priority {
        /// Urgent: evacuate within 1 hour to save life, limb or eyesight.
        Urgent = "urgent",
        /// Urgent-surgical: urgent and needing surgery to be stabilised.
        UrgentSurgical = "urgent_surgical",
        /// Priority: within 4 hours.
        Priority = "priority",
        /// Routine: within 24 hours.
        Routine = "routine",
    }
}

vocab! {
    /// Scenario key `evacuation_capability` (clinical model; docs/MODEL.md §5).
    EvacuationCapability {
        /// Rotary-wing MEDEVAC under a 60-minute policy (the default).
        Modern = "modern",
        /// Contested airspace: ground evacuation with delays.
        Contested = "contested",
        /// Prolonged field care: holds of 24–72 h before evacuation to surgery.
        Prolonged = "prolonged",
    }
}

impl Status {
    /// `final_status`: KIA for KIA and DOW, else the status.
    #[inline]
    pub fn final_status(self) -> &'static str {
        match self {
            Status::Dow => "KIA",
            s => s.as_str(),
        }
    }
}

vocab! {
    /// Text severity of the primary condition (docs/FIELDS.md#json-record-ndjson-json-json-wrapped).
    SeverityText {
        /// Mild.
        Mild = "Mild",
        /// Mild to moderate.
        MildToModerate = "Mild to moderate",
        /// Moderate.
        Moderate = "Moderate",
        /// Moderate to severe.
        ModerateToSevere = "Moderate to severe",
        /// Severe.
        Severe = "Severe",
    }
}

impl SeverityText {
    /// SNOMED CT qualifier code.
    pub fn snomed(self) -> &'static str {
        match self {
            SeverityText::Mild => "255604002",
            SeverityText::MildToModerate => "371923003",
            SeverityText::Moderate => "6736007",
            SeverityText::ModerateToSevere => "371924009",
            SeverityText::Severe => "24484000",
        }
    }
    /// Base of the numeric severity.
    pub fn base(self) -> u8 {
        match self {
            SeverityText::Mild => 1,
            SeverityText::MildToModerate => 2,
            SeverityText::Moderate => 4,
            SeverityText::ModerateToSevere => 6,
            SeverityText::Severe => 8,
        }
    }
}

vocab! {
    /// Name script (`demographics.script`, docs/SCENARIO.md#keys).
    Script {
        /// Native spelling and script.
        Native = "native",
        /// Official romanisation.
        Latin = "latin",
    }
}

vocab! {
    /// The 34 nations (ISO 3166-1 alpha-3), in canonical order.
    Nation {
        /// Albania.
        Alb = "ALB",
        /// Belgium.
        Bel = "BEL",
        /// Bulgaria.
        Bgr = "BGR",
        /// Canada.
        Can = "CAN",
        /// Croatia.
        Hrv = "HRV",
        /// Czechia.
        Cze = "CZE",
        /// Denmark.
        Dnk = "DNK",
        /// Estonia.
        Est = "EST",
        /// Finland.
        Fin = "FIN",
        /// France.
        Fra = "FRA",
        /// Germany.
        Deu = "DEU",
        /// Greece.
        Grc = "GRC",
        /// Hungary.
        Hun = "HUN",
        /// Iceland.
        Isl = "ISL",
        /// Italy.
        Ita = "ITA",
        /// Latvia.
        Lva = "LVA",
        /// Lithuania.
        Ltu = "LTU",
        /// Luxembourg.
        Lux = "LUX",
        /// Montenegro.
        Mne = "MNE",
        /// Netherlands.
        Nld = "NLD",
        /// North Macedonia.
        Mkd = "MKD",
        /// Norway.
        Nor = "NOR",
        /// Poland.
        Pol = "POL",
        /// Portugal.
        Prt = "PRT",
        /// Romania.
        Rou = "ROU",
        /// Slovakia.
        Svk = "SVK",
        /// Slovenia.
        Svn = "SVN",
        /// Spain.
        Esp = "ESP",
        /// Sweden.
        Swe = "SWE",
        /// Türkiye.
        Tur = "TUR",
        /// United Kingdom.
        Gbr = "GBR",
        /// United States.
        Usa = "USA",
        /// Australia.
        Aus = "AUS",
        /// New Zealand.
        Nzl = "NZL",
    }
}

impl Nation {
    /// The nation's English name (FHIR nationality display).
    pub fn name(self) -> &'static str {
        const NAMES: [&str; 34] = [
            "Albania",
            "Belgium",
            "Bulgaria",
            "Canada",
            "Croatia",
            "Czechia",
            "Denmark",
            "Estonia",
            "Finland",
            "France",
            "Germany",
            "Greece",
            "Hungary",
            "Iceland",
            "Italy",
            "Latvia",
            "Lithuania",
            "Luxembourg",
            "Montenegro",
            "Netherlands",
            "North Macedonia",
            "Norway",
            "Poland",
            "Portugal",
            "Romania",
            "Slovakia",
            "Slovenia",
            "Spain",
            "Sweden",
            "Türkiye",
            "United Kingdom",
            "United States",
            "Australia",
            "New Zealand",
        ];
        NAMES[self.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_orders() {
        assert_eq!(Warfare::TYPES.len(), 8);
        assert_eq!(Warfare::Mixed.index(), 8);
        assert_eq!(Nation::COUNT, 34);
        assert_eq!(EnvCondition::NightOperations.index(), 6);
        assert_eq!(Nation::parse("LTU"), Some(Nation::Ltu));
        assert_eq!(Facility::Role4.next(), None);
        assert_eq!(Status::Dow.final_status(), "KIA");
    }
}
