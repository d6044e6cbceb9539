//! Vital signs (DOMAIN.md §6.9): LOINC code, display and UCUM unit, in observation order.

/// (LOINC code, display, UCUM unit) of the five vital signs, in the order of 6.9.
pub const VITALS: [(&str, &str, &str); 5] = [
    ("8867-4", "Heart rate", "/min"),
    ("8480-6", "Systolic blood pressure", "mm[Hg]"),
    ("9279-1", "Respiratory rate", "/min"),
    ("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "%"),
    ("8310-5", "Body temperature", "Cel"),
];

/// Index of body temperature, the one vital held in tenths.
pub const BODY_TEMPERATURE: usize = 4;
