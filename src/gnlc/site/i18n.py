"""The site's own interface text in English and Thai (the project's prose, not sourced facts)."""

from __future__ import annotations

from gnlc.namespaces import expand_curie

UI: dict[str, tuple[str, str]] = {
    # (English, Thai)
    "site_name": ("GNLC knowledge graph", "กราฟความรู้ GNLC"),
    "site_tagline": (
        "Linked open data on the UNESCO Global Network of Learning Cities, every fact with its "
        "source.",
        "ข้อมูลเปิดแบบเชื่อมโยงเกี่ยวกับเครือข่ายระดับโลกด้านเมืองแห่งการเรียนรู้ของยูเนสโก ทุกข้อเท็จจริงมีแหล่งอ้างอิง",
    ),
    "skip": ("Skip to content", "ข้ามไปยังเนื้อหา"),
    "organizations": ("Organizations", "องค์กร"),
    "how_to_cite": ("How to cite", "วิธีอ้างอิง"),
    "search": ("Search", "ค้นหา"),
    "search_label": (
        "Name of a member city, country, region, goal or vocabulary term, in English or Thai",
        "ชื่อเมืองสมาชิก ประเทศ ภูมิภาค เป้าหมาย หรือคำศัพท์ เป็นภาษาไทยหรือภาษาอังกฤษ",
    ),
    "search_results": ("found", "รายการที่พบ"),
    "search_needs_script": (
        "Search needs JavaScript; the members and vocabulary pages list everything without it.",
        "การค้นหาต้องใช้ JavaScript หน้าเมืองสมาชิกและหน้าคำศัพท์แสดงรายการทั้งหมดได้โดยไม่ต้องใช้",
    ),
    "date_released": ("Released", "วันที่เผยแพร่"),
    "repository": ("Source repository", "คลังซอร์สโค้ด"),
    "report_error": ("Report an error", "แจ้งข้อผิดพลาด"),
    "not_found_text": (
        "Nothing is published at this address. Addresses are case-sensitive: check the spelling, "
        "or start from the home page.",
        "ไม่มีข้อมูลที่ที่อยู่นี้ ที่อยู่แยกตัวพิมพ์ใหญ่และเล็ก โปรดตรวจสอบการสะกด หรือเริ่มจากหน้าแรก",
    ),
    "nav_label": ("Main", "เมนูหลัก"),
    "home": ("Home", "หน้าแรก"),
    "members": ("Members", "เมืองสมาชิก"),
    "countries": ("Countries", "ประเทศ"),
    "cohorts": ("Cohorts", "รุ่นสมาชิก"),
    "regions": ("Regions", "ภูมิภาค"),
    "awards": ("Awards", "รางวัล"),
    "map": ("Map", "แผนที่"),
    "growth": ("Growth", "การเติบโต"),
    "vocabulary": ("Vocabulary", "คำศัพท์"),
    "characteristics": ("Key characteristics", "คุณลักษณะสำคัญ"),
    "sdgs": ("SDGs", "เป้าหมายการพัฒนาที่ยั่งยืน"),
    "data": ("Data", "ข้อมูล"),
    "language": ("Language", "ภาษา"),
    "other_language": ("ภาษาไทย", "English"),
    "iri": ("IRI", "IRI"),
    "this_page_as": ("This description as", "คำอธิบายนี้ในรูปแบบ"),
    "facts": ("Facts", "ข้อเท็จจริง"),
    "property": ("Property", "คุณสมบัติ"),
    "value": ("Value", "ค่า"),
    "source": ("Source", "แหล่งข้อมูล"),
    "sources": ("Sources", "แหล่งข้อมูล"),
    "no_source": ("no source recorded", "ไม่มีแหล่งข้อมูลที่บันทึกไว้"),
    "language_tag": ("language tag", "แท็กภาษา"),
    "derived": ("derived", "อนุมาน"),
    "derived_note": (
        "Derived at build time from the membership and the network's own description.",
        "อนุมานขณะสร้างชุดข้อมูลจากการเป็นสมาชิกและคำอธิบายของเครือข่าย",
    ),
    "via_network": ("Through its membership of the network", "ผ่านการเป็นสมาชิกของเครือข่าย"),
    "membership": ("Membership", "การเป็นสมาชิก"),
    "location": ("Location", "ตำแหน่ง"),
    "node": ("Part of this description", "ส่วนหนึ่งของคำอธิบายนี้"),
    "referenced_by": ("Linked from", "ถูกอ้างถึงโดย"),
    "name": ("Name", "ชื่อ"),
    "name_en": ("English name", "ชื่อภาษาอังกฤษ"),
    "name_th": ("Thai name", "ชื่อภาษาไทย"),
    "country": ("Country", "ประเทศ"),
    "region": ("Region", "ภูมิภาค"),
    "cohort": ("Cohort", "รุ่น"),
    "year": ("Year", "ปี"),
    "code": ("Code", "รหัส"),
    "latitude": ("Latitude", "ละติจูด"),
    "longitude": ("Longitude", "ลองจิจูด"),
    "all": ("All", "ทั้งหมด"),
    "filter": ("Filter", "กรอง"),
    "reset": ("Show all", "แสดงทั้งหมด"),
    "showing": ("Showing", "แสดง"),
    "of": ("of", "จาก"),
    "sort_hint": (
        "Select a column heading to sort the table.",
        "เลือกหัวคอลัมน์เพื่อเรียงลำดับตาราง",
    ),
    "browse_without_js": (
        "Browse the members by country, by region or by cohort:",
        "ดูรายชื่อเมืองสมาชิกตามประเทศ ตามภูมิภาค หรือตามรุ่น:",
    ),
    "member_count": ("Members", "จำนวนเมืองสมาชิก"),
    "country_count": ("Countries", "จำนวนประเทศ"),
    "cohort_count": ("Cohorts", "จำนวนรุ่น"),
    "with_coordinates": ("with coordinates", "ที่มีพิกัด"),
    "first_cohort": ("First cohort", "รุ่นแรก"),
    "members_of_country": ("Member cities in this country", "เมืองสมาชิกในประเทศนี้"),
    "members_of_region": ("Member cities in this region", "เมืองสมาชิกในภูมิภาคนี้"),
    "members_of_cohort": ("Cities admitted in this cohort", "เมืองที่ได้รับเข้าเป็นสมาชิกในรุ่นนี้"),
    "winners": ("Cities that received this award", "เมืองที่ได้รับรางวัลนี้"),
    "awards_received": ("Awards received", "รางวัลที่ได้รับ"),
    "ended": ("membership ended", "สิ้นสุดการเป็นสมาชิกแล้ว"),
    "current_member": ("current member", "สมาชิกปัจจุบัน"),
    "recorded": ("recorded here", "บันทึกไว้ที่นี่"),
    "announced": ("announced", "ที่ประกาศ"),
    "none_yet": ("None recorded yet.", "ยังไม่มีข้อมูลที่บันทึกไว้"),
    "concepts": ("Concepts", "แนวคิด"),
    "promoted_by": ("Promoted by", "ส่งเสริมโดย"),
    "supported_by": ("Supported by", "สนับสนุนโดย"),
    "member_cities_count": ("member cities", "เมืองสมาชิก"),
    "linked_members": ("Member cities linked to it", "เมืองสมาชิกที่เชื่อมโยง"),
    "map_title": ("Member cities of the network", "เมืองสมาชิกของเครือข่าย"),
    "map_desc": (
        "A world map with one point for each member city whose coordinates are known. Each point "
        "links to the city's page; the table below lists the same cities.",
        "แผนที่โลกที่มีจุดหนึ่งจุดสำหรับเมืองสมาชิกแต่ละเมืองที่ทราบพิกัด แต่ละจุดเชื่อมโยงไปยังหน้า"
        "ของเมืองนั้น ตารางด้านล่างแสดงรายชื่อเมืองเดียวกัน",
    ),
    "map_table": ("Member cities on the map", "เมืองสมาชิกบนแผนที่"),
    "map_missing": (
        "Members without coordinates (not on the map)",
        "เมืองสมาชิกที่ยังไม่มีพิกัด (ไม่แสดงบนแผนที่)",
    ),
    "map_credit": (
        "Basemap: Natural Earth (public domain), via the world-atlas package; "
        "coordinates from GeoNames (CC BY 4.0).",
        "แผนที่ฐาน: Natural Earth (สาธารณสมบัติ) ผ่านแพ็กเกจ world-atlas พิกัดจาก GeoNames (CC BY 4.0)",
    ),
    "licence_file": ("licence", "สัญญาอนุญาต"),
    "growth_title": (
        "Growth of the network by cohort year",
        "การเติบโตของเครือข่ายตามปีของรุ่นสมาชิก",
    ),
    "growth_desc": (
        "Current member cities and their countries, counted cumulatively by the year each "
        "city was admitted. Cities whose membership has ended are not counted.",
        "จำนวนเมืองสมาชิกปัจจุบันและประเทศของเมืองเหล่านั้น นับสะสมตามปีที่แต่ละเมืองได้รับเข้าเป็น"
        "สมาชิก ไม่นับเมืองที่สิ้นสุดการเป็นสมาชิกแล้ว",
    ),
    "growth_table": (
        "Members and countries by cohort year",
        "จำนวนสมาชิกและประเทศตามปีของรุ่นสมาชิก",
    ),
    "new_members": ("New members", "สมาชิกใหม่"),
    "total_members": ("Members (cumulative)", "สมาชิก (สะสม)"),
    "undated_members": (
        "Plus members whose joining year no source gives (not in the chart)",
        "และสมาชิกที่ไม่มีแหล่งข้อมูลระบุปีที่เข้าร่วม (ไม่แสดงในแผนภูมิ)",
    ),
    "year_unknown": (
        "Members whose joining year no source gives (in no cohort)",
        "สมาชิกที่ไม่มีแหล่งข้อมูลระบุปีที่เข้าร่วม (ไม่อยู่ในรุ่นใด)",
    ),
    "no_dated_page": (
        "of these, named only by pages that show no date",
        "ในจำนวนนี้ ระบุโดยหน้าที่ไม่แสดงวันที่เท่านั้น",
    ),
    "new_countries": ("New countries", "ประเทศใหม่"),
    "total_countries": ("Countries (cumulative)", "ประเทศ (สะสม)"),
    "total": ("Total", "รวม"),
    "members_in_countries": ("members in", "เมืองสมาชิกใน"),
    "countries_word": ("countries", "ประเทศ"),
    "announced_new": ("Announced new members", "จำนวนสมาชิกใหม่ที่ประกาศ"),
    "recorded_members": ("Members recorded here", "จำนวนสมาชิกที่บันทึกไว้"),
    "announced_on": ("Announced", "ประกาศเมื่อ"),
    "classes": ("Classes", "คลาส"),
    "object_properties": ("Object properties", "คุณสมบัติเชิงวัตถุ"),
    "datatype_properties": ("Datatype properties", "คุณสมบัติเชิงข้อมูล"),
    "label": ("Label", "ป้ายชื่อ"),
    "definition": ("Definition", "คำนิยาม"),
    "domain": ("Domain", "โดเมน"),
    "range": ("Range", "เรนจ์"),
    "subclass_of": ("Subclass of", "เป็นคลาสย่อยของ"),
    "subproperty_of": ("Subproperty of", "เป็นคุณสมบัติย่อยของ"),
    "characteristics_of": ("Characteristics", "ลักษณะเฉพาะ"),
    "functional": ("functional (at most one value)", "ฟังก์ชัน (มีค่าได้ไม่เกินหนึ่งค่า)"),
    "chain": ("Property chain", "ห่วงโซ่คุณสมบัติ"),
    "used_as_domain": ("Properties with this domain", "คุณสมบัติที่มีคลาสนี้เป็นโดเมน"),
    "used_as_range": ("Properties with this range", "คุณสมบัติที่มีคลาสนี้เป็นเรนจ์"),
    "instances": ("Instances", "จำนวนอินสแตนซ์"),
    "namespace": ("Namespace", "เนมสเปซ"),
    "prefix": ("Preferred prefix", "คำนำหน้าที่แนะนำ"),
    "version": ("Version", "เวอร์ชัน"),
    "licence": ("Licence", "สัญญาอนุญาต"),
    "term_page": ("Term page", "หน้าของคำศัพท์"),
    "in_vocabulary": ("In the vocabulary", "ในเอกสารคำศัพท์"),
    "downloads": ("Downloads", "ดาวน์โหลด"),
    "file": ("File", "ไฟล์"),
    "format": ("Format", "รูปแบบ"),
    "size": ("Size", "ขนาด"),
    "bytes": ("bytes", "ไบต์"),
    "checksum": ("SHA-256", "SHA-256"),
    "discovery": ("Data and discovery", "ข้อมูลและการค้นพบ"),
    "void_link": ("VoID and DCAT description of the dataset", "คำอธิบายชุดข้อมูลแบบ VoID และ DCAT"),
    "dataset_page": ("About the dataset", "เกี่ยวกับชุดข้อมูล"),
    "sparql": ("SPARQL endpoint", "จุดบริการ SPARQL"),
    "sparql_text": (
        "The knowledge graph has no public endpoint yet. Run one on your own computer with the "
        "gnlc command; it serves the same release read-only over SPARQL 1.1:",
        "กราฟความรู้นี้ยังไม่มีจุดบริการสาธารณะ คุณสามารถเปิดจุดบริการบนเครื่องของคุณเองด้วยคำสั่ง "
        "gnlc ซึ่งให้บริการชุดข้อมูลเดียวกันแบบอ่านอย่างเดียวผ่าน SPARQL 1.1:",
    ),
    "sparql_query": ("then query it, for example:", "จากนั้นสืบค้น เช่น"),
    "content_negotiation": (
        "Every resource IRI leads a browser to its page (English or Thai by Accept-Language) and "
        "an RDF client (Accept: text/turtle, application/ld+json, application/n-triples or "
        "application/rdf+xml, q-values honoured) to its description.",
        "IRI ของทรัพยากรทุกรายการนำเบราว์เซอร์ไปยังหน้าเว็บ (ภาษาไทยหรือภาษาอังกฤษตาม Accept-Language) "
        "และนำโปรแกรม RDF (Accept: text/turtle, application/ld+json, application/n-triples หรือ "
        "application/rdf+xml โดยคำนึงถึงค่า q) ไปยังคำอธิบายในรูปแบบ RDF",
    ),
    "w3id_note": (
        "The https://w3id.org/gnlc/ redirect is not registered yet.",
        "ยังไม่ได้ลงทะเบียนการเปลี่ยนเส้นทาง https://w3id.org/gnlc/",
    ),
    "explore": ("Explore", "สำรวจ"),
    "at_a_glance": ("The network at a glance", "ภาพรวมของเครือข่าย"),
    "footer_licence": (
        "Data and vocabulary: CC BY 4.0. Every fact links to the source it was taken from.",
        "ข้อมูลและคำศัพท์: CC BY 4.0 ทุกข้อเท็จจริงเชื่อมโยงไปยังแหล่งที่มา",
    ),
    "generated": (
        "Generated by gnlc site from the validated graph.",
        "สร้างโดย gnlc site จากกราฟที่ผ่านการตรวจสอบแล้ว",
    ),
    "not_found": ("Page not found", "ไม่พบหน้านี้"),
    "choose_language": ("Choose a language", "เลือกภาษา"),
    "type": ("Type", "ประเภท"),
    "status": ("Status", "สถานะ"),
    "awards_index": ("UNESCO Learning City Award editions", "รางวัลเมืองแห่งการเรียนรู้ของยูเนสโก"),
    "winner_count": ("Cities awarded", "จำนวนเมืองที่ได้รับรางวัล"),
    "member_list_note": (
        "Current members of the network. Cities whose membership has ended are listed on their "
        "cohort's page.",
        "สมาชิกปัจจุบันของเครือข่าย เมืองที่สิ้นสุดการเป็นสมาชิกแล้วแสดงอยู่ในหน้าของรุ่นนั้น",
    ),
}

# Labels of properties and classes from outside the gnlc vocabulary, by prefix:local name.
_TERMS: dict[str, tuple[str, str]] = {
    "rdf:type": ("type", "ประเภท"),
    "skos:prefLabel": ("name", "ชื่อ"),
    "skos:altLabel": ("other name", "ชื่ออื่น"),
    "skos:definition": ("definition", "คำนิยาม"),
    "skos:notation": ("notation", "รหัส"),
    "skos:inScheme": ("in scheme", "อยู่ในชุด"),
    "skos:topConceptOf": ("top concept of", "แนวคิดหลักของ"),
    "skos:hasTopConcept": ("top concept", "แนวคิดหลัก"),
    "skos:exactMatch": ("exact match", "ตรงกับ"),
    "skos:editorialNote": ("editorial note", "หมายเหตุบรรณาธิการ"),
    "skos:ConceptScheme": ("concept scheme", "ชุดแนวคิด"),
    "skos:Concept": ("concept", "แนวคิด"),
    "dcterms:source": ("source", "แหล่งข้อมูล"),
    "dcterms:title": ("title", "ชื่อเรื่อง"),
    "dcterms:description": ("description", "คำอธิบาย"),
    "dcterms:license": ("licence", "สัญญาอนุญาต"),
    "dcterms:created": ("created", "วันที่สร้าง"),
    "dcterms:modified": ("modified", "วันที่แก้ไข"),
    "dcterms:creator": ("creator", "ผู้สร้าง"),
    "rdfs:seeAlso": ("see also", "ดูเพิ่มเติม"),
    "rdfs:label": ("label", "ป้ายชื่อ"),
    "rdfs:subClassOf": ("subclass of", "เป็นคลาสย่อยของ"),
    "rdfs:subPropertyOf": ("subproperty of", "เป็นคุณสมบัติย่อยของ"),
    "rdfs:domain": ("domain", "โดเมน"),
    "rdfs:range": ("range", "เรนจ์"),
    "rdfs:isDefinedBy": ("defined by", "นิยามไว้ใน"),
    "geo:location": ("location", "ตำแหน่ง"),
    "geo:lat": ("latitude", "ละติจูด"),
    "geo:long": ("longitude", "ลองจิจูด"),
    "geo:Point": ("point", "จุดพิกัด"),
    "org:member": ("member", "สมาชิก"),
    "org:organization": ("organization", "องค์กร"),
    "org:Organization": ("organization", "องค์กร"),
    "owl:versionInfo": ("version", "เวอร์ชัน"),
    "owl:versionIRI": ("version IRI", "IRI ของเวอร์ชัน"),
    "owl:Class": ("class", "คลาส"),
    "owl:ObjectProperty": ("object property", "คุณสมบัติเชิงวัตถุ"),
    "owl:DatatypeProperty": ("datatype property", "คุณสมบัติเชิงข้อมูล"),
    "owl:FunctionalProperty": ("functional property", "คุณสมบัติฟังก์ชัน"),
    "owl:Ontology": ("ontology", "ออนโทโลยี"),
    "owl:propertyChainAxiom": ("property chain", "ห่วงโซ่คุณสมบัติ"),
    "dcat:distribution": ("distribution", "ไฟล์เผยแพร่"),
    "dcat:Dataset": ("DCAT dataset", "ชุดข้อมูล DCAT"),
    "void:Dataset": ("VoID dataset", "ชุดข้อมูล VoID"),
    "void:dataDump": ("data dump", "ไฟล์ข้อมูลทั้งชุด"),
    "void:exampleResource": ("example resource", "ตัวอย่างทรัพยากร"),
    "void:triples": ("triples", "จำนวนทริปเปิล"),
    "void:uriSpace": ("URI space", "ขอบเขต URI"),
    "void:vocabulary": ("vocabulary used", "คำศัพท์ที่ใช้"),
    "vann:preferredNamespacePrefix": ("preferred prefix", "คำนำหน้าที่แนะนำ"),
    "vann:preferredNamespaceUri": ("namespace", "เนมสเปซ"),
}
TERMS = {expand_curie(name): labels for name, labels in _TERMS.items()}


def text(key: str, lang: str) -> str:
    """The interface string key in lang ('en' or 'th')."""
    english, thai = UI[key]
    return thai if lang == "th" else english


def strings(lang: str) -> dict[str, str]:
    """Every interface string in lang, for templates."""
    return {key: text(key, lang) for key in UI}
