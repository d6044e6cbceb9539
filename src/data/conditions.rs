//! The condition catalogue (docs/GENERATION.md#reference-model-tables): SNOMED CT code, display,
//! site, treatment group and Markov routing class of every condition patientgen can write.

/// Site of a condition, which fixes the body-part rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Site {
    /// Any body part (categorical over six parts).
    Any,
    /// Arm or leg (categorical over four limbs).
    Limb,
    /// Head.
    Head,
    /// Torso.
    Torso,
    /// Left or right arm.
    Arm,
    /// Left or right leg.
    Leg,
}

/// Treatment protocol group, in table order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Group {
    /// HEM.
    Hem,
    /// AMP.
    Amp,
    /// BURN.
    Burn,
    /// HEAD.
    Head,
    /// ORTHO.
    Ortho,
    /// CHEST.
    Chest,
    /// ABD.
    Abd,
    /// SOFT.
    Soft,
    /// ENV.
    Env,
    /// INF.
    Inf,
    /// VIRAL.
    Viral,
    /// GI.
    Gi,
    /// CARDIORESP.
    CardioResp,
    /// PSY.
    Psy,
}

/// Markov routing class, as a bit in [`ConditionInfo::class`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum RoutingClass {
    /// Amputation.
    Amputation = 1,
    /// Burn.
    Burn = 2,
    /// Traumatic brain injury.
    Tbi = 4,
    /// Psychological.
    Psych = 8,
}

/// One catalogue row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConditionInfo {
    /// SNOMED CT code.
    pub code: &'static str,
    /// SNOMED CT display.
    pub display: &'static str,
    /// Site.
    pub site: Site,
    /// Treatment group.
    pub group: Group,
    /// Routing class bits (0 for none).
    pub class: u8,
}

/// A condition, as an index into [`CONDITIONS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ConditionId(pub u8);

impl ConditionId {
    /// The catalogue row.
    #[inline]
    pub fn info(self) -> &'static ConditionInfo {
        &CONDITIONS[self.0 as usize]
    }
    /// Looks a condition up by SNOMED CT code.
    pub fn by_code(code: &str) -> Option<ConditionId> {
        CONDITIONS.iter().position(|c| c.code == code).map(|i| ConditionId(i as u8))
    }
}

/// Bullet wound (262574004).
pub const BULLET_WOUND: ConditionId = ConditionId(0);
/// Open wound (125643001).
pub const OPEN_WOUND: ConditionId = ConditionId(1);
/// Penetrating wound (262560006).
pub const PENETRATING_WOUND: ConditionId = ConditionId(2);
/// Bleeding (131148009).
pub const BLEEDING: ConditionId = ConditionId(3);
/// Traumatic amputation (262595009).
pub const TRAUMATIC_AMPUTATION: ConditionId = ConditionId(4);
/// Burn (125666000).
pub const BURN: ConditionId = ConditionId(5);
/// Traumatic brain injury (127295002).
pub const TRAUMATIC_BRAIN_INJURY: ConditionId = ConditionId(6);
/// Fracture of bone (125605004).
pub const FRACTURE_OF_BONE: ConditionId = ConditionId(7);
/// Open fracture (397181002).
pub const OPEN_FRACTURE: ConditionId = ConditionId(8);
/// Crushing injury (125665001).
pub const CRUSHING_INJURY: ConditionId = ConditionId(9);
/// Laceration - injury (312608009).
pub const LACERATION_INJURY: ConditionId = ConditionId(10);
/// Blunt injury of abdomen (424863004).
pub const BLUNT_INJURY_OF_ABDOMEN: ConditionId = ConditionId(11);
/// Hemothorax (31892009).
pub const HEMOTHORAX: ConditionId = ConditionId(12);
/// Respiratory distress (271825005).
pub const RESPIRATORY_DISTRESS: ConditionId = ConditionId(13);
/// Stress (73595000).
pub const STRESS: ConditionId = ConditionId(14);
/// Sprain of ankle (44465007).
pub const SPRAIN_OF_ANKLE: ConditionId = ConditionId(15);
/// Sprain of wrist (70704007).
pub const SPRAIN_OF_WRIST: ConditionId = ConditionId(16);
/// Fracture of ankle (16114001).
pub const FRACTURE_OF_ANKLE: ConditionId = ConditionId(17);
/// Fracture of forearm (65966004).
pub const FRACTURE_OF_FOREARM: ConditionId = ConditionId(18);
/// Fracture of rib (33737001).
pub const FRACTURE_OF_RIB: ConditionId = ConditionId(19);
/// Fracture of clavicle (58150001).
pub const FRACTURE_OF_CLAVICLE: ConditionId = ConditionId(20);
/// Fracture of vertebral column without spinal cord injury (15724005).
pub const FRACTURE_OF_VERTEBRAL_COLUMN_WITHOUT_SPINAL_CORD_INJURY: ConditionId = ConditionId(21);
/// Whiplash injury to neck (39848009).
pub const WHIPLASH_INJURY_TO_NECK: ConditionId = ConditionId(22);
/// Laceration of hand (284549007).
pub const LACERATION_OF_HAND: ConditionId = ConditionId(23);
/// Laceration of thigh (283385000).
pub const LACERATION_OF_THIGH: ConditionId = ConditionId(24);
/// Facial laceration (370247008).
pub const FACIAL_LACERATION: ConditionId = ConditionId(25);
/// Contusion (125667009).
pub const CONTUSION: ConditionId = ConditionId(26);
/// First degree burn (403190006).
pub const FIRST_DEGREE_BURN: ConditionId = ConditionId(27);
/// Partial thickness burn (403191005).
pub const PARTIAL_THICKNESS_BURN: ConditionId = ConditionId(28);
/// Concussion with no loss of consciousness (62106007).
pub const CONCUSSION_WITH_NO_LOSS_OF_CONSCIOUSNESS: ConditionId = ConditionId(29);
/// Dehydration (34095006).
pub const DEHYDRATION: ConditionId = ConditionId(30);
/// Hypothermia (386689009).
pub const HYPOTHERMIA: ConditionId = ConditionId(31);
/// Frostbite (370977006).
pub const FROSTBITE: ConditionId = ConditionId(32);
/// Abdominal pain (21522001).
pub const ABDOMINAL_PAIN: ConditionId = ConditionId(33);
/// Tight chest (23924001).
pub const TIGHT_CHEST: ConditionId = ConditionId(34);
/// Dyspnea (267036007).
pub const DYSPNEA: ConditionId = ConditionId(35);
/// Acute viral pharyngitis (195662009).
pub const ACUTE_VIRAL_PHARYNGITIS: ConditionId = ConditionId(36);
/// Streptococcal sore throat (43878008).
pub const STREPTOCOCCAL_SORE_THROAT: ConditionId = ConditionId(37);
/// Influenza (6142004).
pub const INFLUENZA: ConditionId = ConditionId(38);
/// Acute bronchitis (10509002).
pub const ACUTE_BRONCHITIS: ConditionId = ConditionId(39);
/// Cough (49727002).
pub const COUGH: ConditionId = ConditionId(40);
/// Fever (386661006).
pub const FEVER: ConditionId = ConditionId(41);
/// Headache (25064002).
pub const HEADACHE: ConditionId = ConditionId(42);
/// Gastroenteritis (25374005).
pub const GASTROENTERITIS: ConditionId = ConditionId(43);
/// Diarrhea (62315008).
pub const DIARRHEA: ConditionId = ConditionId(44);
/// Nausea and vomiting (16932000).
pub const NAUSEA_AND_VOMITING: ConditionId = ConditionId(45);
/// Vomiting (422400008).
pub const VOMITING: ConditionId = ConditionId(46);
/// Urinary tract infectious disease (68566005).
pub const URINARY_TRACT_INFECTIOUS_DISEASE: ConditionId = ConditionId(47);
/// Conjunctivitis (9826008).
pub const CONJUNCTIVITIS: ConditionId = ConditionId(48);
/// Chest pain (29857009).
pub const CHEST_PAIN: ConditionId = ConditionId(49);

/// Poisoning caused by chemical substance (441952005): nerve-agent poisoning (clinical model,
/// CBRN; no more specific SNOMED CT concept could be verified, docs/MODEL.md §2.3).
pub const NERVE_AGENT_POISONING: ConditionId = ConditionId(50);
/// Chemical burn (426284001): blister-agent injury (clinical model, CBRN).
pub const CHEMICAL_BURN: ConditionId = ConditionId(51);
/// Acute pulmonary edema (40541001): choking-agent injury (clinical model, CBRN).
pub const ACUTE_PULMONARY_EDEMA: ConditionId = ConditionId(52);
/// Acute radiation disease (360002) (clinical model, CBRN).
pub const ACUTE_RADIATION_DISEASE: ConditionId = ConditionId(53);
/// Hemorrhagic shock (355001): recorded by the clinical model for class III–IV haemorrhage.
pub const HEMORRHAGIC_SHOCK: ConditionId = ConditionId(54);
/// Tension pneumothorax (233645004): recorded by the clinical model for chest AIS ≥ 4.
pub const TENSION_PNEUMOTHORAX: ConditionId = ConditionId(55);

/// The catalogue: the 50 conditions of the reference models in their order, then those the clinical model
/// adds (docs/MODEL.md).
pub const CONDITIONS: [ConditionInfo; 56] = [
    ConditionInfo { code: "262574004", display: "Bullet wound", site: Site::Any, group: Group::Hem, class: 0 },
    ConditionInfo { code: "125643001", display: "Open wound", site: Site::Any, group: Group::Hem, class: 0 },
    ConditionInfo { code: "262560006", display: "Penetrating wound", site: Site::Any, group: Group::Hem, class: 0 },
    ConditionInfo { code: "131148009", display: "Bleeding", site: Site::Any, group: Group::Hem, class: 0 },
    ConditionInfo {
        code: "262595009",
        display: "Traumatic amputation",
        site: Site::Limb,
        group: Group::Amp,
        class: RoutingClass::Amputation as u8,
    },
    ConditionInfo {
        code: "125666000",
        display: "Burn",
        site: Site::Any,
        group: Group::Burn,
        class: RoutingClass::Burn as u8,
    },
    ConditionInfo {
        code: "127295002",
        display: "Traumatic brain injury",
        site: Site::Head,
        group: Group::Head,
        class: RoutingClass::Tbi as u8,
    },
    ConditionInfo { code: "125605004", display: "Fracture of bone", site: Site::Any, group: Group::Ortho, class: 0 },
    ConditionInfo { code: "397181002", display: "Open fracture", site: Site::Any, group: Group::Ortho, class: 0 },
    ConditionInfo { code: "125665001", display: "Crushing injury", site: Site::Any, group: Group::Ortho, class: 0 },
    ConditionInfo { code: "312608009", display: "Laceration - injury", site: Site::Any, group: Group::Soft, class: 0 },
    ConditionInfo {
        code: "424863004",
        display: "Blunt injury of abdomen",
        site: Site::Torso,
        group: Group::Abd,
        class: 0,
    },
    ConditionInfo { code: "31892009", display: "Hemothorax", site: Site::Torso, group: Group::Chest, class: 0 },
    ConditionInfo {
        code: "271825005",
        display: "Respiratory distress",
        site: Site::Torso,
        group: Group::Chest,
        class: 0,
    },
    ConditionInfo {
        code: "73595000",
        display: "Stress",
        site: Site::Head,
        group: Group::Psy,
        class: RoutingClass::Psych as u8,
    },
    ConditionInfo { code: "44465007", display: "Sprain of ankle", site: Site::Leg, group: Group::Ortho, class: 0 },
    ConditionInfo { code: "70704007", display: "Sprain of wrist", site: Site::Arm, group: Group::Ortho, class: 0 },
    ConditionInfo { code: "16114001", display: "Fracture of ankle", site: Site::Leg, group: Group::Ortho, class: 0 },
    ConditionInfo { code: "65966004", display: "Fracture of forearm", site: Site::Arm, group: Group::Ortho, class: 0 },
    ConditionInfo { code: "33737001", display: "Fracture of rib", site: Site::Torso, group: Group::Ortho, class: 0 },
    ConditionInfo { code: "58150001", display: "Fracture of clavicle", site: Site::Arm, group: Group::Ortho, class: 0 },
    ConditionInfo {
        code: "15724005",
        display: "Fracture of vertebral column without spinal cord injury",
        site: Site::Torso,
        group: Group::Ortho,
        class: 0,
    },
    ConditionInfo {
        code: "39848009",
        display: "Whiplash injury to neck",
        site: Site::Head,
        group: Group::Ortho,
        class: 0,
    },
    ConditionInfo { code: "284549007", display: "Laceration of hand", site: Site::Arm, group: Group::Soft, class: 0 },
    ConditionInfo { code: "283385000", display: "Laceration of thigh", site: Site::Leg, group: Group::Soft, class: 0 },
    ConditionInfo { code: "370247008", display: "Facial laceration", site: Site::Head, group: Group::Soft, class: 0 },
    ConditionInfo { code: "125667009", display: "Contusion", site: Site::Any, group: Group::Soft, class: 0 },
    ConditionInfo {
        code: "403190006",
        display: "First degree burn",
        site: Site::Any,
        group: Group::Burn,
        class: RoutingClass::Burn as u8,
    },
    ConditionInfo {
        code: "403191005",
        display: "Partial thickness burn",
        site: Site::Any,
        group: Group::Burn,
        class: RoutingClass::Burn as u8,
    },
    ConditionInfo {
        code: "62106007",
        display: "Concussion with no loss of consciousness",
        site: Site::Head,
        group: Group::Head,
        class: RoutingClass::Tbi as u8,
    },
    ConditionInfo { code: "34095006", display: "Dehydration", site: Site::Torso, group: Group::Env, class: 0 },
    ConditionInfo { code: "386689009", display: "Hypothermia", site: Site::Torso, group: Group::Env, class: 0 },
    ConditionInfo { code: "370977006", display: "Frostbite", site: Site::Limb, group: Group::Env, class: 0 },
    ConditionInfo { code: "21522001", display: "Abdominal pain", site: Site::Torso, group: Group::Gi, class: 0 },
    ConditionInfo { code: "23924001", display: "Tight chest", site: Site::Torso, group: Group::CardioResp, class: 0 },
    ConditionInfo { code: "267036007", display: "Dyspnea", site: Site::Torso, group: Group::CardioResp, class: 0 },
    ConditionInfo {
        code: "195662009",
        display: "Acute viral pharyngitis",
        site: Site::Head,
        group: Group::Viral,
        class: 0,
    },
    ConditionInfo {
        code: "43878008",
        display: "Streptococcal sore throat",
        site: Site::Head,
        group: Group::Inf,
        class: 0,
    },
    ConditionInfo { code: "6142004", display: "Influenza", site: Site::Torso, group: Group::Viral, class: 0 },
    ConditionInfo { code: "10509002", display: "Acute bronchitis", site: Site::Torso, group: Group::Viral, class: 0 },
    ConditionInfo { code: "49727002", display: "Cough", site: Site::Torso, group: Group::Viral, class: 0 },
    ConditionInfo { code: "386661006", display: "Fever", site: Site::Torso, group: Group::Viral, class: 0 },
    ConditionInfo { code: "25064002", display: "Headache", site: Site::Head, group: Group::Viral, class: 0 },
    ConditionInfo { code: "25374005", display: "Gastroenteritis", site: Site::Torso, group: Group::Gi, class: 0 },
    ConditionInfo { code: "62315008", display: "Diarrhea", site: Site::Torso, group: Group::Gi, class: 0 },
    ConditionInfo { code: "16932000", display: "Nausea and vomiting", site: Site::Torso, group: Group::Gi, class: 0 },
    ConditionInfo { code: "422400008", display: "Vomiting", site: Site::Torso, group: Group::Gi, class: 0 },
    ConditionInfo {
        code: "68566005",
        display: "Urinary tract infectious disease",
        site: Site::Torso,
        group: Group::Inf,
        class: 0,
    },
    ConditionInfo { code: "9826008", display: "Conjunctivitis", site: Site::Head, group: Group::Inf, class: 0 },
    ConditionInfo { code: "29857009", display: "Chest pain", site: Site::Torso, group: Group::CardioResp, class: 0 },
    ConditionInfo {
        code: "441952005",
        display: "Poisoning caused by chemical substance",
        site: Site::Torso,
        group: Group::Env,
        class: 0,
    },
    ConditionInfo { code: "426284001", display: "Chemical burn", site: Site::Any, group: Group::Burn, class: 0 },
    ConditionInfo {
        code: "40541001",
        display: "Acute pulmonary edema",
        site: Site::Torso,
        group: Group::CardioResp,
        class: 0,
    },
    ConditionInfo {
        code: "360002",
        display: "Acute radiation disease",
        site: Site::Torso,
        group: Group::Env,
        class: 0,
    },
    ConditionInfo { code: "355001", display: "Hemorrhagic shock", site: Site::Torso, group: Group::Hem, class: 0 },
    ConditionInfo {
        code: "233645004",
        display: "Tension pneumothorax",
        site: Site::Torso,
        group: Group::Chest,
        class: 0,
    },
];
