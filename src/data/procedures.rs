//! The procedure catalogue (docs/GENERATION.md#reference-model-tables): SNOMED CT procedures used
//! by treatment protocols.

/// A procedure, as an index into [`PROCEDURES`] (`P01` is index 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProcedureId(pub u8);

impl ProcedureId {
    /// SNOMED CT code.
    #[inline]
    pub fn code(self) -> &'static str {
        PROCEDURES[self.0 as usize].0
    }
    /// SNOMED CT display.
    #[inline]
    pub fn display(self) -> &'static str {
        PROCEDURES[self.0 as usize].1
    }
}

/// P01: Application of tourniquet.
pub const P01: ProcedureId = ProcedureId(0);
/// P02: Application of dressing, pressure.
pub const P02: ProcedureId = ProcedureId(1);
/// P03: Application of dressing.
pub const P03: ProcedureId = ProcedureId(2);
/// P04: Pain management.
pub const P04: ProcedureId = ProcedureId(3);
/// P05: Application of splint.
pub const P05: ProcedureId = ProcedureId(4);
/// P06: Bone immobilization.
pub const P06: ProcedureId = ProcedureId(5);
/// P07: Intravenous fluid replacement.
pub const P07: ProcedureId = ProcedureId(6);
/// P08: Transfusion of blood product.
pub const P08: ProcedureId = ProcedureId(7);
/// P09: Surgical procedure.
pub const P09: ProcedureId = ProcedureId(8);
/// P10: Exploratory laparotomy.
pub const P10: ProcedureId = ProcedureId(9);
/// P11: Debridement.
pub const P11: ProcedureId = ProcedureId(10);
/// P12: Insertion of pleural tube drain.
pub const P12: ProcedureId = ProcedureId(11);
/// P13: Insertion of endotracheal tube.
pub const P13: ProcedureId = ProcedureId(12);
/// P14: Artificial respiration.
pub const P14: ProcedureId = ProcedureId(13);
/// P15: Oxygen therapy.
pub const P15: ProcedureId = ProcedureId(14);
/// P16: Antibiotic therapy.
pub const P16: ProcedureId = ProcedureId(15);
/// P17: Intravenous antibiotic therapy.
pub const P17: ProcedureId = ProcedureId(16);
/// P18: Administration of drug or medicament.
pub const P18: ProcedureId = ProcedureId(17);
/// P19: Suture open wound.
pub const P19: ProcedureId = ProcedureId(18);
/// P20: Injection of tetanus antitoxin.
pub const P20: ProcedureId = ProcedureId(19);
/// P21: Wound care.
pub const P21: ProcedureId = ProcedureId(20);
/// P22: Burn care.
pub const P22: ProcedureId = ProcedureId(21);
/// P23: Admission to burn unit.
pub const P23: ProcedureId = ProcedureId(22);
/// P24: Admission to intensive care unit.
pub const P24: ProcedureId = ProcedureId(23);
/// P25: Admission to neurosurgical department.
pub const P25: ProcedureId = ProcedureId(24);
/// P26: Admission to orthopedic department.
pub const P26: ProcedureId = ProcedureId(25);
/// P27: Craniotomy.
pub const P27: ProcedureId = ProcedureId(26);
/// P28: Fracture care.
pub const P28: ProcedureId = ProcedureId(27);
/// P29: Physical therapy procedure.
pub const P29: ProcedureId = ProcedureId(28);
/// P30: Rehabilitation therapy.
pub const P30: ProcedureId = ProcedureId(29);
/// P31: Head injury rehabilitation.
pub const P31: ProcedureId = ProcedureId(30);
/// P32: Counseling.
pub const P32: ProcedureId = ProcedureId(31);
/// P33: Recommendation to rest.
pub const P33: ProcedureId = ProcedureId(32);

/// P34: Tension pneumothorax relief (needle decompression; clinical model).
pub const P34: ProcedureId = ProcedureId(33);
/// P35: Intraosseous cannulation (clinical model).
pub const P35: ProcedureId = ProcedureId(34);
/// P36: Active external warming of subject (hypothermia prevention; clinical model).
pub const P36: ProcedureId = ProcedureId(35);
/// P37: Transfusion of whole blood (clinical model).
pub const P37: ProcedureId = ProcedureId(36);
/// P38: Application of chemical hemostatic agents (junctional haemorrhage; clinical model).
pub const P38: ProcedureId = ProcedureId(37);
/// P39: Application of dressing, occlusive plastic (chest seal; clinical model).
pub const P39: ProcedureId = ProcedureId(38);

/// (code, display) of P01…P33 (the reference models' procedures), then P34…P39, which the clinical model adds
/// (SNOMED CT codes as listed in the NEMSIS v3.5 procedure list).
pub const PROCEDURES: [(&str, &str); 39] = [
    ("20655006", "Application of tourniquet"),
    ("26906007", "Application of dressing, pressure"),
    ("3895009", "Application of dressing"),
    ("278414003", "Pain management"),
    ("79321009", "Application of splint"),
    ("274474001", "Bone immobilization"),
    ("281800008", "Intravenous fluid replacement"),
    ("116859006", "Transfusion of blood product"),
    ("387713003", "Surgical procedure"),
    ("74770008", "Exploratory laparotomy"),
    ("36777000", "Debridement"),
    ("264957007", "Insertion of pleural tube drain"),
    ("112798008", "Insertion of endotracheal tube"),
    ("40617009", "Artificial respiration"),
    ("57485005", "Oxygen therapy"),
    ("281789004", "Antibiotic therapy"),
    ("281790008", "Intravenous antibiotic therapy"),
    ("18629005", "Administration of drug or medicament"),
    ("288086009", "Suture open wound"),
    ("384700001", "Injection of tetanus antitoxin"),
    ("225358003", "Wound care"),
    ("133901003", "Burn care"),
    ("183450002", "Admission to burn unit"),
    ("305351004", "Admission to intensive care unit"),
    ("305425002", "Admission to neurosurgical department"),
    ("305428000", "Admission to orthopedic department"),
    ("25353009", "Craniotomy"),
    ("385691007", "Fracture care"),
    ("91251008", "Physical therapy procedure"),
    ("52052004", "Rehabilitation therapy"),
    ("47387005", "Head injury rehabilitation"),
    ("409063005", "Counseling"),
    ("183051005", "Recommendation to rest"),
    ("182705007", "Tension pneumothorax relief"),
    ("430824005", "Intraosseous cannulation"),
    ("431949004", "Active external warming of subject"),
    ("33389009", "Transfusion of whole blood"),
    ("372045002", "Application of chemical hemostatic agents"),
    ("22206003", "Application of dressing, occlusive plastic"),
];
