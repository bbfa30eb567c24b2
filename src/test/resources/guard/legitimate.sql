-- Online booking: the typical integrator query (CTE, three tables, NOLOCK, TOP, parameter)
WITH upcoming AS (SELECT a.PatientId, a.PractitionerId, a.StartsAt FROM dbo.Appointments a WITH (NOLOCK) WHERE a.StartsAt >= GETDATE()) SELECT TOP 50 p.PatientId, p.FirstName, p.Surname, pr.Surname AS Doctor, u.StartsAt FROM upcoming u JOIN dbo.Patients p ON p.PatientId = u.PatientId JOIN dbo.Practitioners pr ON pr.PractitionerId = u.PractitionerId WHERE p.Status = ? ORDER BY u.StartsAt
-- ----
SELECT TOP 10 PatientId, FirstName FROM Patients WHERE Surname = ?
-- ----
SELECT TOP (5) [PatientId], [Surname] FROM [dbo].[Patients] WITH (NOLOCK)
-- ----
select p.PatientId from dbo.Patients p with (readuncommitted) where p.DOB < DATEADD(year, -65, GETDATE())
-- ----
SELECT PatientId FROM dbo.Patients ORDER BY PatientId OFFSET 10 ROWS FETCH NEXT 10 ROWS ONLY
-- ----
SELECT a.PatientId FROM dbo.Appointments a UNION SELECT r.PatientId FROM dbo.Recalls r
-- ----
SELECT 'DROP TABLE x; --' AS Harmless, [Set] FROM dbo.Patients;
-- ----
SELECT ISNULL(DVANo, '') FROM dbo.Patients /* comment with DELETE in it */ -- and EXEC here
-- ----
-- Online booking: practitioners who take online bookings
SELECT PractitionerId, Title, FirstName, Surname, Specialty FROM dbo.Practitioners WHERE Active = 1 ORDER BY Surname, FirstName
-- ----
-- Online booking: bookable appointment types
SELECT AppointmentTypeId, Name, DurationMinutes FROM dbo.AppointmentTypes WITH (NOLOCK) WHERE OnlineBookable = 1 ORDER BY Name
-- ----
-- Online booking: sessions for one practitioner in a date range
SELECT s.SessionId, s.SessionDate, s.StartTime, s.EndTime, s.Room FROM dbo.Sessions s WHERE s.PractitionerId = ? AND s.SessionDate BETWEEN ? AND ? ORDER BY s.SessionDate, s.StartTime
-- ----
-- Online booking: booked times per session day (to subtract from session hours)
SELECT a.PractitionerId, a.AppointmentDate, a.AppointmentTime, a.DurationMinutes FROM dbo.Appointments a WITH (NOLOCK) WHERE a.PractitionerId = ? AND a.AppointmentDate >= CAST(GETDATE() AS date) AND a.Status <> 'Cancelled'
-- ----
-- Online booking: free minutes per session
SELECT s.SessionId, s.SessionDate, DATEDIFF(minute, s.StartTime, s.EndTime) - ISNULL(SUM(a.DurationMinutes), 0) AS FreeMinutes FROM dbo.Sessions s LEFT JOIN dbo.Appointments a ON a.PractitionerId = s.PractitionerId AND a.AppointmentDate = s.SessionDate AND a.Status <> 'Cancelled' WHERE s.SessionDate >= CAST(GETDATE() AS date) GROUP BY s.SessionId, s.SessionDate, s.StartTime, s.EndTime HAVING DATEDIFF(minute, s.StartTime, s.EndTime) - ISNULL(SUM(a.DurationMinutes), 0) > 0 ORDER BY s.SessionDate
-- ----
-- Online booking: next free day per practitioner
SELECT pr.PractitionerId, pr.Surname, MIN(s.SessionDate) AS NextSession FROM dbo.Practitioners pr JOIN dbo.Sessions s ON s.PractitionerId = pr.PractitionerId WHERE s.SessionDate > GETDATE() AND pr.Active = 1 GROUP BY pr.PractitionerId, pr.Surname
-- ----
-- Online booking: is the slot still free?
SELECT COUNT(*) AS Clashes FROM dbo.Appointments WITH (NOLOCK) WHERE PractitionerId = ? AND Status <> 'Cancelled' AND StartsAt < ? AND DATEADD(minute, DurationMinutes, StartsAt) > ?
-- ----
-- Online booking: find an existing patient by name and date of birth
SELECT TOP 1 PatientId, FirstName, Surname, DOB, MobilePhone, Email FROM dbo.Patients WHERE Surname = ? AND FirstName = ? AND DOB = ?
-- ----
-- Online booking: match by mobile number, ignoring spaces
SELECT PatientId, FirstName, Surname FROM dbo.Patients WHERE REPLACE(MobilePhone, ' ', '') = REPLACE(?, ' ', '')
-- ----
-- Online booking: match by Medicare number and line
SELECT PatientId, FirstName, Surname FROM dbo.Patients WHERE MedicareNo = ? AND MedicareLineNo = ?
-- ----
-- Online booking: appointments a patient already holds
SELECT a.AppointmentId, a.StartsAt, t.Name AS AppointmentType, pr.Title + ' ' + pr.Surname AS Practitioner FROM dbo.Appointments a JOIN dbo.AppointmentTypes t ON t.AppointmentTypeId = a.AppointmentTypeId JOIN dbo.Practitioners pr ON pr.PractitionerId = a.PractitionerId WHERE a.PatientId = ? AND a.StartsAt >= GETDATE() ORDER BY a.StartsAt
-- ----
-- Online booking: busiest rooms
SELECT Room, COUNT(*) AS Sessions FROM dbo.Sessions GROUP BY Room ORDER BY COUNT(*) DESC
-- ----
-- Online booking: appointment types with their usual length in hours and minutes
SELECT Name, DurationMinutes / 60 AS Hours, DurationMinutes % 60 AS Minutes FROM dbo.AppointmentTypes
-- ----
-- Online booking: today's appointments, in order
SELECT a.AppointmentTime, p.FirstName, p.Surname, a.Status FROM dbo.Appointments a JOIN dbo.Patients p ON p.PatientId = a.PatientId WHERE a.AppointmentDate = CONVERT(date, GETDATE()) ORDER BY a.AppointmentTime
-- ----
-- Online booking: last appointment per practitioner per day, by window function
SELECT PractitionerId, AppointmentDate, LastStart FROM (SELECT PractitionerId, AppointmentDate, MAX(StartsAt) OVER (PARTITION BY PractitionerId, AppointmentDate) AS LastStart, ROW_NUMBER() OVER (PARTITION BY PractitionerId, AppointmentDate ORDER BY StartsAt DESC) AS rn FROM dbo.Appointments) x WHERE rn = 1
-- ----
-- Online booking: gaps between consecutive appointments (LAG)
SELECT PractitionerId, StartsAt, DATEDIFF(minute, LAG(DATEADD(minute, DurationMinutes, StartsAt)) OVER (PARTITION BY PractitionerId, AppointmentDate ORDER BY StartsAt), StartsAt) AS GapMinutes FROM dbo.Appointments WHERE AppointmentDate = ?
-- ----
-- Online booking: the next appointment after each one (LEAD)
SELECT AppointmentId, StartsAt, LEAD(StartsAt) OVER (PARTITION BY PractitionerId ORDER BY StartsAt) AS NextStartsAt FROM dbo.Appointments WHERE PractitionerId = ?
-- ----
-- Online booking: old-style hint without WITH
SELECT PractitionerId, Surname FROM dbo.Practitioners (NOLOCK) WHERE Active = 1
-- ----
-- Online booking: old-style hint after an alias
SELECT p.PatientId FROM dbo.Patients p (NOLOCK) WHERE p.Surname LIKE ?
-- ----
-- Online booking: both allowed hints together
SELECT PatientId FROM dbo.Patients WITH (NOLOCK, READUNCOMMITTED) WHERE PatientId = ?
-- ----
-- Online booking: ;WITH habit
;WITH free AS (SELECT SessionId, SessionDate FROM dbo.Sessions WHERE SessionDate > GETDATE()) SELECT TOP 20 * FROM free ORDER BY SessionDate
-- ----
-- Online booking: paging the availability list
SELECT SessionId, PractitionerId, SessionDate, StartTime FROM dbo.Sessions WHERE SessionDate >= ? ORDER BY SessionDate, StartTime OFFSET ? ROWS FETCH NEXT ? ROWS ONLY
-- ----
-- Online booking: first page with FETCH FIRST
SELECT SessionId FROM dbo.Sessions ORDER BY SessionId OFFSET 0 ROWS FETCH FIRST 25 ROWS ONLY
-- ----
-- Online booking: patients booked online in the last week
SELECT COUNT(*) FROM dbo.Appointments WHERE BookedAt >= DATEADD(day, -7, SYSDATETIME()) AND Notes LIKE N'%online%'
-- ----
-- Online booking: per-day counts for a calendar heat map
SELECT AppointmentDate, COUNT(*) AS Booked FROM dbo.Appointments WHERE AppointmentDate BETWEEN ? AND ? AND Status IN ('Booked', 'Arrived', 'Completed') GROUP BY AppointmentDate ORDER BY AppointmentDate
-- ----
-- Online booking: cancellations today
SELECT a.AppointmentId, a.StartsAt, a.PractitionerId FROM dbo.Appointments a WHERE a.Status = 'Cancelled' AND CAST(a.StartsAt AS date) = CAST(GETDATE() AS date)
-- ----
-- Online booking: appointment colour for a calendar widget
SELECT t.Name, t.Colour, COUNT(a.AppointmentId) AS Uses FROM dbo.AppointmentTypes t LEFT OUTER JOIN dbo.Appointments a ON a.AppointmentTypeId = t.AppointmentTypeId GROUP BY t.Name, t.Colour
-- ----
-- Online booking: sessions without any appointment yet
SELECT s.SessionId, s.SessionDate FROM dbo.Sessions s WHERE NOT EXISTS (SELECT 1 FROM dbo.Appointments a WHERE a.PractitionerId = s.PractitionerId AND a.AppointmentDate = s.SessionDate)
-- ----
-- Online booking: practitioners with sessions but no bookings this week
SELECT pr.PractitionerId FROM dbo.Practitioners pr WHERE pr.PractitionerId IN (SELECT PractitionerId FROM dbo.Sessions WHERE SessionDate BETWEEN ? AND ?) AND pr.PractitionerId NOT IN (SELECT PractitionerId FROM dbo.Appointments WHERE AppointmentDate BETWEEN ? AND ?)
-- ----
-- Online booking: start times formatted for display
SELECT AppointmentId, FORMAT(StartsAt, 'yyyy-MM-dd HH:mm') AS Starts FROM dbo.Appointments WHERE PatientId = ?
-- ----
-- Online booking: CONVERT with a style for dd/mm/yyyy
SELECT AppointmentId, CONVERT(varchar(10), AppointmentDate, 103) AS Day FROM dbo.Appointments WHERE PatientId = ?
-- ----
-- Online booking: end time from start and duration
SELECT AppointmentId, StartsAt, DATEADD(minute, DurationMinutes, StartsAt) AS EndsAt FROM dbo.Appointments WHERE AppointmentDate = ?
-- ----
-- Online booking: weekday name for each session
SELECT SessionDate, DATENAME(weekday, SessionDate) AS Weekday, DATEPART(hour, StartTime) AS StartHour FROM dbo.Sessions
-- ----
-- Online booking: morning or afternoon
SELECT SessionId, CASE WHEN DATEPART(hour, StartTime) < 12 THEN 'AM' ELSE 'PM' END AS HalfDay FROM dbo.Sessions WHERE SessionDate = ?
-- ----
-- Online booking: IIF flag for long appointments
SELECT AppointmentId, IIF(DurationMinutes > 15, 'Long', 'Standard') AS Kind FROM dbo.Appointments WHERE PractitionerId = ?
-- ----
-- Online booking: DISTINCT days with sessions
SELECT DISTINCT SessionDate FROM dbo.Sessions WHERE PractitionerId = ? ORDER BY SessionDate
-- ----
-- Online booking: column aliases with = (T-SQL style)
SELECT Practitioner = pr.FirstName + ' ' + pr.Surname, Sessions = COUNT(s.SessionId) FROM dbo.Practitioners pr LEFT JOIN dbo.Sessions s ON s.PractitionerId = pr.PractitionerId GROUP BY pr.FirstName, pr.Surname
-- ----
-- Online booking: bracketed reserved word used as an alias
SELECT s.Room AS [Key], s.SessionDate AS [Order] FROM dbo.Sessions s
-- ----
-- Online booking: string aliases
SELECT Name AS 'Type', DurationMinutes AS "Minutes" FROM dbo.AppointmentTypes
-- ----
-- Online booking: trailing semicolon and line comment
SELECT AppointmentTypeId, Name FROM dbo.AppointmentTypes; -- done
-- ----
-- Online booking: comment between every word
SELECT /* id */ SessionId /* from */ FROM /* the table */ dbo.Sessions /* filter */ WHERE SessionDate = ? -- today
-- ----
-- Online booking: query laid out over many lines
SELECT
    s.SessionId,
    s.SessionDate,
    s.StartTime
FROM
    dbo.Sessions AS s
WHERE
    s.PractitionerId = ?
ORDER BY
    s.SessionDate
-- ----
-- Online booking: tabs as whitespace
SELECT	SessionId,	Room	FROM	dbo.Sessions	WHERE	Room	=	?
-- ----
-- Online booking: nested block comment (T-SQL allows nesting)
SELECT SessionId /* outer /* inner */ still comment */ FROM dbo.Sessions
-- ----
-- Recalls: due in the next 30 days
SELECT r.RecallId, r.PatientId, r.Reason, r.DueDate FROM dbo.Recalls r WHERE r.Status = 'Pending' AND r.DueDate BETWEEN GETDATE() AND DATEADD(day, 30, GETDATE()) ORDER BY r.DueDate
-- ----
-- Recalls: overdue, with contact details
SELECT p.PatientId, p.Title, p.FirstName, p.Surname, p.MobilePhone, p.Email, r.Reason, r.DueDate FROM dbo.Recalls r JOIN dbo.Patients p ON p.PatientId = r.PatientId WHERE r.Status = 'Pending' AND r.DueDate < CAST(GETDATE() AS date) AND p.Status = 'Active'
-- ----
-- Recalls: SMS list for patients with a mobile
SELECT p.FirstName, p.MobilePhone, r.Reason FROM dbo.Recalls r INNER JOIN dbo.Patients p ON r.PatientId = p.PatientId WHERE p.MobilePhone IS NOT NULL AND LEN(p.MobilePhone) >= 10 AND r.Status = 'Pending'
-- ----
-- Recalls: email list for patients without a mobile
SELECT p.FirstName, p.Email, r.Reason FROM dbo.Recalls r JOIN dbo.Patients p ON r.PatientId = p.PatientId WHERE (p.MobilePhone IS NULL OR p.MobilePhone = '') AND p.Email LIKE '%@%'
-- ----
-- Recalls: counts per reason
SELECT Reason, COUNT(*) AS Due FROM dbo.Recalls WHERE Status = 'Pending' GROUP BY Reason ORDER BY Due DESC
-- ----
-- Recalls: per practitioner
SELECT pr.Surname, COUNT(r.RecallId) AS Recalls FROM dbo.Practitioners pr LEFT JOIN dbo.Recalls r ON r.PractitionerId = pr.PractitionerId AND r.Status = 'Pending' GROUP BY pr.Surname
-- ----
-- Recalls: patients with a recall but no booked appointment
SELECT r.PatientId, r.DueDate FROM dbo.Recalls r WHERE r.Status = 'Pending' AND NOT EXISTS (SELECT 1 FROM dbo.Appointments a WHERE a.PatientId = r.PatientId AND a.StartsAt >= GETDATE() AND a.Status = 'Booked')
-- ----
-- Recalls: earliest pending recall per patient (CTE + ROW_NUMBER)
WITH ranked AS (SELECT r.*, ROW_NUMBER() OVER (PARTITION BY r.PatientId ORDER BY r.DueDate) AS rn FROM dbo.Recalls r WHERE r.Status = 'Pending') SELECT PatientId, Reason, DueDate FROM ranked WHERE rn = 1
-- ----
-- Recalls: days overdue
SELECT RecallId, DATEDIFF(day, DueDate, GETDATE()) AS DaysOverdue FROM dbo.Recalls WHERE DueDate < GETDATE() AND Status = 'Pending'
-- ----
-- Recalls: buckets of overdue
SELECT CASE WHEN DATEDIFF(day, DueDate, GETDATE()) <= 30 THEN '0-30' WHEN DATEDIFF(day, DueDate, GETDATE()) <= 90 THEN '31-90' ELSE '90+' END AS Bucket, COUNT(*) AS Recalls FROM dbo.Recalls WHERE Status = 'Pending' AND DueDate < GETDATE() GROUP BY CASE WHEN DATEDIFF(day, DueDate, GETDATE()) <= 30 THEN '0-30' WHEN DATEDIFF(day, DueDate, GETDATE()) <= 90 THEN '31-90' ELSE '90+' END
-- ----
-- Recalls: recall reasons as one string per patient
SELECT PatientId, STRING_AGG(Reason, ', ') AS Reasons FROM dbo.Recalls WHERE Status = 'Pending' GROUP BY PatientId
-- ----
-- Recalls: ordered reasons with WITHIN GROUP
SELECT PatientId, STRING_AGG(Reason, '; ') WITHIN GROUP (ORDER BY DueDate) AS Reasons FROM dbo.Recalls GROUP BY PatientId
-- ----
-- Recalls: recall status summary by month
SELECT YEAR(DueDate) AS Y, MONTH(DueDate) AS M, Status, COUNT(*) AS N FROM dbo.Recalls GROUP BY YEAR(DueDate), MONTH(DueDate), Status ORDER BY Y, M
-- ----
-- Recalls: for patients over 50
SELECT r.RecallId, p.FirstName, p.Surname FROM dbo.Recalls r JOIN dbo.Patients p ON p.PatientId = r.PatientId WHERE DATEDIFF(year, p.DOB, GETDATE()) > 50
-- ----
-- Recalls: completed recalls with their appointment
SELECT r.RecallId, a.AppointmentId, a.StartsAt FROM dbo.Recalls r CROSS APPLY (SELECT TOP 1 a2.AppointmentId, a2.StartsAt FROM dbo.Appointments a2 WHERE a2.PatientId = r.PatientId AND a2.StartsAt >= r.DueDate ORDER BY a2.StartsAt) a WHERE r.Status = 'Completed'
-- ----
-- Recalls: last visit before the recall, OUTER APPLY
SELECT r.RecallId, lv.LastVisit FROM dbo.Recalls r OUTER APPLY (SELECT MAX(a.StartsAt) AS LastVisit FROM dbo.Appointments a WHERE a.PatientId = r.PatientId AND a.StartsAt < r.DueDate) lv
-- ----
-- Recalls: pending or overdue with UNION ALL
SELECT RecallId, 'Due' AS Kind FROM dbo.Recalls WHERE DueDate >= GETDATE() AND Status = 'Pending' UNION ALL SELECT RecallId, 'Overdue' FROM dbo.Recalls WHERE DueDate < GETDATE() AND Status = 'Pending'
-- ----
-- Recalls: patients recalled but not seen (EXCEPT)
SELECT PatientId FROM dbo.Recalls WHERE Status = 'Pending' EXCEPT SELECT PatientId FROM dbo.Appointments WHERE StartsAt > DATEADD(month, -12, GETDATE())
-- ----
-- Recalls: patients recalled and booked (INTERSECT)
SELECT PatientId FROM dbo.Recalls INTERSECT SELECT PatientId FROM dbo.Appointments WHERE Status = 'Booked'
-- ----
-- Recalls: name search with LIKE and a character class
SELECT PatientId, Surname FROM dbo.Patients WHERE Surname LIKE '[A-C]%' ORDER BY Surname
-- ----
-- Recalls: LIKE with ESCAPE
SELECT RecallId FROM dbo.Recalls WHERE Reason LIKE '%100\%%' ESCAPE '\'
-- ----
-- Recalls: greeting line
SELECT CONCAT('Dear ', ISNULL(p.Title + ' ', ''), p.FirstName, ' ', p.Surname) AS Greeting FROM dbo.Patients p WHERE p.PatientId = ?
-- ----
-- Recalls: CONCAT_WS for the address block
SELECT CONCAT_WS(', ', Address1, Suburb, State, Postcode) AS Address FROM dbo.Patients WHERE PatientId = ?
-- ----
-- Recalls: TOP with a parameter
SELECT TOP (?) RecallId, DueDate FROM dbo.Recalls ORDER BY DueDate
-- ----
-- Recalls: recall reasons upper-cased and trimmed
SELECT DISTINCT UPPER(LTRIM(RTRIM(Reason))) AS Reason FROM dbo.Recalls
-- ----
-- Recalls: TRIM and LOWER on email
SELECT PatientId, LOWER(TRIM(Email)) AS Email FROM dbo.Patients WHERE Email IS NOT NULL
-- ----
-- Recalls: COALESCE over phone numbers
SELECT PatientId, COALESCE(MobilePhone, HomePhone, 'no phone') AS Phone FROM dbo.Patients
-- ----
-- Recalls: NULLIF to treat blank as missing
SELECT PatientId, NULLIF(Email, '') AS Email FROM dbo.Patients
-- ----
-- Recalls: recalls of inactive patients, IN list
SELECT r.RecallId FROM dbo.Recalls r JOIN dbo.Patients p ON p.PatientId = r.PatientId WHERE p.Status IN ('Inactive', 'Deceased', 'Transferred')
-- ----
-- Recalls: multiple CTEs, the second using the first
WITH pending AS (SELECT PatientId, DueDate FROM dbo.Recalls WHERE Status = 'Pending'), firstDue AS (SELECT PatientId, MIN(DueDate) AS DueDate FROM pending GROUP BY PatientId) SELECT p.PatientId, p.Surname, f.DueDate FROM firstDue f JOIN dbo.Patients p ON p.PatientId = f.PatientId
-- ----
-- Recalls: CTE with a column list
WITH due (PatientId, DueDate) AS (SELECT PatientId, DueDate FROM dbo.Recalls WHERE Status = 'Pending') SELECT COUNT(DISTINCT PatientId) FROM due
-- ----
-- Patients: sync by change date
SELECT PatientId, FirstName, Surname, DOB, Sex, Email, MobilePhone, CreatedAt FROM dbo.Patients WHERE CreatedAt > ? ORDER BY CreatedAt
-- ----
-- Patients: paged sync
SELECT PatientId, FirstName, Surname FROM dbo.Patients WHERE PatientId > ? ORDER BY PatientId OFFSET 0 ROWS FETCH NEXT 500 ROWS ONLY
-- ----
-- Patients: count by status
SELECT Status, COUNT(*) AS Patients FROM dbo.Patients GROUP BY Status
-- ----
-- Patients: by sex and age band
SELECT Sex, CASE WHEN DATEDIFF(year, DOB, GETDATE()) < 18 THEN 'child' WHEN DATEDIFF(year, DOB, GETDATE()) < 65 THEN 'adult' ELSE 'senior' END AS Band, COUNT(*) AS N FROM dbo.Patients GROUP BY Sex, CASE WHEN DATEDIFF(year, DOB, GETDATE()) < 18 THEN 'child' WHEN DATEDIFF(year, DOB, GETDATE()) < 65 THEN 'adult' ELSE 'senior' END
-- ----
-- Patients: birthdays today
SELECT PatientId, FirstName FROM dbo.Patients WHERE MONTH(DOB) = MONTH(GETDATE()) AND DAY(DOB) = DAY(GETDATE())
-- ----
-- Patients: age in years
SELECT PatientId, DATEDIFF(year, DOB, GETDATE()) - CASE WHEN DATEADD(year, DATEDIFF(year, DOB, GETDATE()), DOB) > GETDATE() THEN 1 ELSE 0 END AS Age FROM dbo.Patients
-- ----
-- Patients: postcode counts for a map
SELECT Postcode, COUNT(*) AS Patients FROM dbo.Patients WHERE State = ? GROUP BY Postcode HAVING COUNT(*) >= 5
-- ----
-- Patients: suburbs, title case first letter
SELECT DISTINCT UPPER(LEFT(Suburb, 1)) + LOWER(SUBSTRING(Suburb, 2, 100)) AS Suburb FROM dbo.Patients WHERE Suburb IS NOT NULL
-- ----
-- Patients: initials
SELECT PatientId, LEFT(FirstName, 1) + LEFT(Surname, 1) AS Initials FROM dbo.Patients
-- ----
-- Patients: last four digits of the Medicare number
SELECT PatientId, RIGHT(MedicareNo, 4) AS MedicareTail FROM dbo.Patients WHERE MedicareNo IS NOT NULL
-- ----
-- Patients: Medicare expiry parsed from MM/YYYY
SELECT PatientId, TRY_CONVERT(date, '01/' + MedicareExpiry, 103) AS Expiry FROM dbo.Patients WHERE MedicareExpiry IS NOT NULL
-- ----
-- Patients: expired Medicare cards
SELECT PatientId FROM dbo.Patients WHERE TRY_CAST(RIGHT(MedicareExpiry, 4) AS int) < YEAR(GETDATE())
-- ----
-- Patients: DVA and pension holders
SELECT PatientId, DVANo, PensionNo FROM dbo.Patients WHERE DVANo IS NOT NULL OR PensionNo IS NOT NULL
-- ----
-- Patients: with usual doctor name
SELECT p.PatientId, p.Surname, d.Surname AS UsualDoctor FROM dbo.Patients p LEFT JOIN dbo.Practitioners d ON d.PractitionerId = p.UsualDoctorId
-- ----
-- Patients: without a usual doctor
SELECT COUNT(*) FROM dbo.Patients WHERE UsualDoctorId IS NULL
-- ----
-- Patients: duplicate candidates (same name and DOB)
SELECT FirstName, Surname, DOB, COUNT(*) AS Copies FROM dbo.Patients GROUP BY FirstName, Surname, DOB HAVING COUNT(*) > 1
-- ----
-- Patients: duplicates with SOUNDEX
SELECT a.PatientId, b.PatientId AS OtherId FROM dbo.Patients a JOIN dbo.Patients b ON a.PatientId < b.PatientId AND SOUNDEX(a.Surname) = SOUNDEX(b.Surname) AND a.DOB = b.DOB
-- ----
-- Patients: search by partial surname, case-insensitive
SELECT TOP 20 PatientId, FirstName, Surname FROM dbo.Patients WHERE Surname LIKE ? + '%' ORDER BY Surname, FirstName
-- ----
-- Patients: search across names with CHARINDEX
SELECT PatientId FROM dbo.Patients WHERE CHARINDEX(?, FirstName + ' ' + Surname) > 0
-- ----
-- Patients: phone numbers that are not digits (PATINDEX)
SELECT PatientId, MobilePhone FROM dbo.Patients WHERE PATINDEX('%[^0-9 ]%', MobilePhone) > 0
-- ----
-- Patients: email domains
SELECT SUBSTRING(Email, CHARINDEX('@', Email) + 1, 100) AS Domain, COUNT(*) AS N FROM dbo.Patients WHERE Email LIKE '%@%' GROUP BY SUBSTRING(Email, CHARINDEX('@', Email) + 1, 100)
-- ----
-- Patients: N'' literal with an accented name
SELECT PatientId FROM dbo.Patients WHERE Surname = N'Nguyễn' OR Surname = N'Müller'
-- ----
-- Patients: apostrophe in a surname (doubled quote)
SELECT PatientId FROM dbo.Patients WHERE Surname = 'O''Brien'
-- ----
-- Patients: a string that looks like SQL is only a string
SELECT PatientId FROM dbo.Patients WHERE Address1 = 'DELETE FROM dbo.Patients; EXEC xp_cmdshell ''dir'''
-- ----
-- Patients: string with comment markers inside
SELECT '/* not a comment */' AS a, '-- nor this' AS b FROM dbo.DemoInfo
-- ----
-- Patients: bracketed names with spaces
SELECT p.[PatientId] AS [Patient Id], p.[Surname] AS [Family Name] FROM [dbo].[Patients] AS [p]
-- ----
-- Patients: quoted identifiers
SELECT "PatientId", "Surname" FROM "dbo"."Patients"
-- ----
-- Patients: collation-insensitive compare
SELECT PatientId FROM dbo.Patients WHERE Surname COLLATE Latin1_General_CI_AI = ?
-- ----
-- Patients: newest 100
SELECT TOP 100 * FROM dbo.Patients ORDER BY CreatedAt DESC
-- ----
-- Patients: SELECT * with alias star
SELECT p.*, d.Surname AS Doctor FROM dbo.Patients p LEFT JOIN dbo.Practitioners d ON d.PractitionerId = p.UsualDoctorId WHERE p.PatientId = ?
-- ----
-- Patients: registrations per month (DATETRUNC-free)
SELECT DATEFROMPARTS(YEAR(CreatedAt), MONTH(CreatedAt), 1) AS Month, COUNT(*) AS NewPatients FROM dbo.Patients GROUP BY DATEFROMPARTS(YEAR(CreatedAt), MONTH(CreatedAt), 1) ORDER BY Month
-- ----
-- Patients: ISDATE / ISNUMERIC sanity checks
SELECT PatientId FROM dbo.Patients WHERE ISNUMERIC(Postcode) = 0 OR ISDATE(CONVERT(varchar(10), DOB, 120)) = 0
-- ----
-- Patients: NOT IN with a literal list
SELECT PatientId FROM dbo.Patients WHERE State NOT IN ('NSW', 'VIC', 'QLD')
-- ----
-- Patients: NOT LIKE
SELECT PatientId FROM dbo.Patients WHERE Email NOT LIKE '%@%.%'
-- ----
-- Patients: IS NULL checks combined with AND/OR and parentheses
SELECT PatientId FROM dbo.Patients WHERE (Email IS NULL AND MobilePhone IS NULL) OR (HomePhone IS NULL AND Address1 IS NULL)
-- ----
-- Patients: exists with correlated alias
SELECT p.PatientId FROM dbo.Patients p WHERE EXISTS (SELECT * FROM dbo.Invoices i WHERE i.PatientId = p.PatientId AND i.Paid = 0)
-- ----
-- Patients: scalar subquery in the select list
SELECT p.PatientId, (SELECT COUNT(*) FROM dbo.Appointments a WHERE a.PatientId = p.PatientId) AS Visits FROM dbo.Patients p
-- ----
-- Patients: scalar subquery with MAX
SELECT p.PatientId, (SELECT MAX(a.StartsAt) FROM dbo.Appointments a WHERE a.PatientId = p.PatientId AND a.Status = 'Completed') AS LastSeen FROM dbo.Patients p WHERE p.Status = 'Active'
-- ----
-- Patients: derived table join
SELECT p.PatientId, v.Visits FROM dbo.Patients p JOIN (SELECT PatientId, COUNT(*) AS Visits FROM dbo.Appointments GROUP BY PatientId) v ON v.PatientId = p.PatientId WHERE v.Visits > 10
-- ----
-- Patients: derived table with AS and column list
SELECT v.Pid, v.N FROM (SELECT PatientId, COUNT(*) FROM dbo.Appointments GROUP BY PatientId) AS v (Pid, N)
-- ----
-- Patients: VALUES as a derived table for a lookup
SELECT p.PatientId, s.Label FROM dbo.Patients p JOIN (VALUES ('M', 'Male'), ('F', 'Female'), ('X', 'Other')) AS s (Code, Label) ON s.Code = p.Sex
-- ----
-- Patients: comma join, old style
SELECT p.Surname, d.Surname FROM dbo.Patients p, dbo.Practitioners d WHERE d.PractitionerId = p.UsualDoctorId
-- ----
-- Patients: RIGHT JOIN
SELECT d.Surname, p.PatientId FROM dbo.Patients p RIGHT JOIN dbo.Practitioners d ON d.PractitionerId = p.UsualDoctorId
-- ----
-- Patients: FULL OUTER JOIN
SELECT d.PractitionerId, p.PatientId FROM dbo.Practitioners d FULL OUTER JOIN dbo.Patients p ON p.UsualDoctorId = d.PractitionerId
-- ----
-- Patients: CROSS JOIN to a one-row table
SELECT p.PatientId, i.AnchorDate FROM dbo.Patients p CROSS JOIN dbo.DemoInfo i
-- ----
-- Patients: parenthesised join
SELECT p.PatientId, a.StartsAt FROM (dbo.Patients p JOIN dbo.Appointments a ON a.PatientId = p.PatientId) WHERE a.Status = 'Booked'
-- ----
-- Patients: self join to find siblings at the same address
SELECT a.PatientId, b.PatientId AS Sibling FROM dbo.Patients a JOIN dbo.Patients b ON b.Address1 = a.Address1 AND b.Postcode = a.Postcode AND b.PatientId <> a.PatientId AND b.Surname = a.Surname
-- ----
-- Patients: DemoInfo row
SELECT SchemaVersion, Seed, Patients, AnchorDate, GeneratedAt FROM dbo.DemoInfo
-- ----
-- Analytics: appointments per practitioner per month
SELECT a.PractitionerId, YEAR(a.StartsAt) AS Y, MONTH(a.StartsAt) AS M, COUNT(*) AS Appointments FROM dbo.Appointments a WHERE a.Status = 'Completed' GROUP BY a.PractitionerId, YEAR(a.StartsAt), MONTH(a.StartsAt) ORDER BY a.PractitionerId, Y, M
-- ----
-- Analytics: no-show rate by practitioner
SELECT PractitionerId, SUM(CASE WHEN Status = 'DNA' THEN 1 ELSE 0 END) * 100.0 / COUNT(*) AS NoShowPercent FROM dbo.Appointments GROUP BY PractitionerId
-- ----
-- Analytics: no-show rate with CAST to decimal
SELECT PractitionerId, CAST(SUM(IIF(Status = 'DNA', 1, 0)) AS decimal(9, 2)) / NULLIF(COUNT(*), 0) AS NoShowRate FROM dbo.Appointments GROUP BY PractitionerId
-- ----
-- Analytics: appointments by weekday
SELECT DATENAME(weekday, StartsAt) AS Weekday, DATEPART(weekday, StartsAt) AS DayNo, COUNT(*) AS N FROM dbo.Appointments GROUP BY DATENAME(weekday, StartsAt), DATEPART(weekday, StartsAt) ORDER BY DayNo
-- ----
-- Analytics: appointments by hour of day
SELECT DATEPART(hour, StartsAt) AS HourOfDay, COUNT(*) AS N FROM dbo.Appointments GROUP BY DATEPART(hour, StartsAt) ORDER BY HourOfDay
-- ----
-- Analytics: lead time between booking and appointment
SELECT AVG(DATEDIFF(day, BookedAt, StartsAt)) AS AvgLeadDays, MAX(DATEDIFF(day, BookedAt, StartsAt)) AS MaxLeadDays FROM dbo.Appointments WHERE BookedAt IS NOT NULL
-- ----
-- Analytics: median lead time (PERCENTILE_CONT)
SELECT DISTINCT PractitionerId, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY DATEDIFF(day, BookedAt, StartsAt)) OVER (PARTITION BY PractitionerId) AS MedianLeadDays FROM dbo.Appointments
-- ----
-- Analytics: rank practitioners by completed appointments
SELECT PractitionerId, COUNT(*) AS N, RANK() OVER (ORDER BY COUNT(*) DESC) AS Rnk, DENSE_RANK() OVER (ORDER BY COUNT(*) DESC) AS DenseRnk FROM dbo.Appointments WHERE Status = 'Completed' GROUP BY PractitionerId
-- ----
-- Analytics: quartiles of patients by visit count (NTILE)
SELECT PatientId, Visits, NTILE(4) OVER (ORDER BY Visits) AS Quartile FROM (SELECT PatientId, COUNT(*) AS Visits FROM dbo.Appointments GROUP BY PatientId) v
-- ----
-- Analytics: running total of invoices per day
SELECT InvoiceDate, SUM(Amount) AS DayTotal, SUM(SUM(Amount)) OVER (ORDER BY InvoiceDate ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS RunningTotal FROM dbo.Invoices GROUP BY InvoiceDate
-- ----
-- Analytics: 7-day moving average of appointments
SELECT AppointmentDate, COUNT(*) AS N, AVG(COUNT(*)) OVER (ORDER BY AppointmentDate ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS Avg7 FROM dbo.Appointments GROUP BY AppointmentDate
-- ----
-- Analytics: first and last visit per patient (FIRST_VALUE / LAST_VALUE)
SELECT DISTINCT PatientId, FIRST_VALUE(StartsAt) OVER (PARTITION BY PatientId ORDER BY StartsAt) AS FirstVisit, LAST_VALUE(StartsAt) OVER (PARTITION BY PatientId ORDER BY StartsAt ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS LastVisit FROM dbo.Appointments
-- ----
-- Analytics: CUME_DIST and PERCENT_RANK of invoice amounts
SELECT InvoiceId, Amount, CUME_DIST() OVER (ORDER BY Amount) AS CumeDist, PERCENT_RANK() OVER (ORDER BY Amount) AS PctRank FROM dbo.Invoices
-- ----
-- Analytics: appointment type mix
SELECT t.Name, COUNT(*) AS N, COUNT(*) * 100.0 / SUM(COUNT(*)) OVER () AS Share FROM dbo.Appointments a JOIN dbo.AppointmentTypes t ON t.AppointmentTypeId = a.AppointmentTypeId GROUP BY t.Name
-- ----
-- Analytics: utilisation of session time
SELECT s.PractitionerId, SUM(DATEDIFF(minute, s.StartTime, s.EndTime)) AS SessionMinutes, (SELECT SUM(a.DurationMinutes) FROM dbo.Appointments a WHERE a.PractitionerId = s.PractitionerId AND a.Status <> 'Cancelled') AS BookedMinutes FROM dbo.Sessions s GROUP BY s.PractitionerId
-- ----
-- Analytics: COUNT DISTINCT patients per practitioner
SELECT PractitionerId, COUNT(DISTINCT PatientId) AS Patients FROM dbo.Appointments GROUP BY PractitionerId
-- ----
-- Analytics: COUNT_BIG for large tables
SELECT COUNT_BIG(*) AS Rows FROM dbo.Appointments
-- ----
-- Analytics: standard deviation of appointment lengths
SELECT AppointmentTypeId, AVG(CAST(DurationMinutes AS float)) AS Mean, STDEV(DurationMinutes) AS Sd, VAR(DurationMinutes) AS Var FROM dbo.Appointments GROUP BY AppointmentTypeId
-- ----
-- Analytics: ROLLUP subtotals
SELECT PractitionerId, Status, COUNT(*) AS N FROM dbo.Appointments GROUP BY ROLLUP (PractitionerId, Status)
-- ----
-- Analytics: GROUPING to label subtotal rows
SELECT CASE WHEN GROUPING(Status) = 1 THEN 'All' ELSE Status END AS Status, COUNT(*) AS N FROM dbo.Appointments GROUP BY ROLLUP (Status)
-- ----
-- Analytics: CUBE over two dimensions
SELECT Sex, State, COUNT(*) AS N FROM dbo.Patients GROUP BY CUBE (Sex, State)
-- ----
-- Analytics: GROUPING SETS
SELECT Sex, State, COUNT(*) AS N FROM dbo.Patients GROUP BY GROUPING SETS ((Sex), (State), ())
-- ----
-- Analytics: WITH ROLLUP old syntax
SELECT Status, COUNT(*) AS N FROM dbo.Appointments GROUP BY Status WITH ROLLUP
-- ----
-- Analytics: TOP WITH TIES
SELECT TOP 5 WITH TIES PractitionerId, COUNT(*) AS N FROM dbo.Appointments GROUP BY PractitionerId ORDER BY COUNT(*) DESC
-- ----
-- Analytics: TOP PERCENT
SELECT TOP 10 PERCENT InvoiceId, Amount FROM dbo.Invoices ORDER BY Amount DESC
-- ----
-- Analytics: year-on-year with a self-joined CTE
WITH monthly AS (SELECT YEAR(InvoiceDate) AS Y, MONTH(InvoiceDate) AS M, SUM(Amount) AS Total FROM dbo.Invoices GROUP BY YEAR(InvoiceDate), MONTH(InvoiceDate)) SELECT cur.Y, cur.M, cur.Total, prev.Total AS LastYear, cur.Total - ISNULL(prev.Total, 0) AS Change FROM monthly cur LEFT JOIN monthly prev ON prev.Y = cur.Y - 1 AND prev.M = cur.M ORDER BY cur.Y, cur.M
-- ----
-- Analytics: a recursive CTE for the days of a month
WITH days AS (SELECT CAST(? AS date) AS D UNION ALL SELECT DATEADD(day, 1, D) FROM days WHERE D < EOMONTH(?)) SELECT d.D, COUNT(a.AppointmentId) AS N FROM days d LEFT JOIN dbo.Appointments a ON a.AppointmentDate = d.D GROUP BY d.D
-- ----
-- Analytics: SQL Server 2022 GREATEST and LEAST
SELECT AppointmentId, GREATEST(BookedAt, DATEADD(day, -30, StartsAt)) AS Effective, LEAST(DurationMinutes, 60) AS Capped FROM dbo.Appointments
-- ----
-- Analytics: CHOOSE for quarter names
SELECT InvoiceId, CHOOSE(DATEPART(quarter, InvoiceDate), 'Q1', 'Q2', 'Q3', 'Q4') AS Quarter FROM dbo.Invoices
-- ----
-- Analytics: ROUND, FLOOR and CEILING on amounts
SELECT ROUND(AVG(Amount), 2) AS AvgAmount, FLOOR(MIN(Amount)) AS MinAmount, CEILING(MAX(Amount)) AS MaxAmount FROM dbo.Invoices
-- ----
-- Analytics: ABS, POWER, SQRT, SIGN
SELECT InvoiceId, ABS(Amount - 40) AS Deviation, POWER(Amount, 2) AS Sq, SQRT(ABS(Amount)) AS Root, SIGN(Amount) AS Sgn FROM dbo.Invoices
-- ----
-- Analytics: modulo buckets of patient ids
SELECT PatientId % 10 AS Bucket, COUNT(*) AS N FROM dbo.Patients GROUP BY PatientId % 10
-- ----
-- Analytics: bitwise check on a flag column
SELECT AppointmentTypeId FROM dbo.AppointmentTypes WHERE OnlineBookable & 1 = 1
-- ----
-- Analytics: random sample with NEWID
SELECT TOP 20 PatientId FROM dbo.Patients ORDER BY NEWID()
-- ----
-- Analytics: LEN versus DATALENGTH
SELECT PatientId, LEN(Surname) AS Chars, DATALENGTH(Surname) AS Bytes FROM dbo.Patients
-- ----
-- Analytics: REPLICATE, SPACE, STR padding
SELECT REPLICATE('0', 6 - LEN(CAST(PatientId AS varchar(6)))) + CAST(PatientId AS varchar(6)) AS PaddedId, SPACE(2) + STR(PatientId, 8) AS Right8 FROM dbo.Patients
-- ----
-- Analytics: STUFF to mask a phone number
SELECT PatientId, STUFF(MobilePhone, 5, 3, 'XXX') AS Masked FROM dbo.Patients WHERE MobilePhone IS NOT NULL
-- ----
-- Analytics: REVERSE and CHARINDEX for the last word
SELECT PatientId, RIGHT(Address1, CHARINDEX(' ', REVERSE(Address1)) - 1) AS StreetType FROM dbo.Patients WHERE Address1 LIKE '% %'
-- ----
-- Analytics: TRANSLATE to normalise separators
SELECT PatientId, TRANSLATE(HomePhone, '()-', '   ') AS Phone FROM dbo.Patients
-- ----
-- Analytics: QUOTENAME for CSV export
SELECT QUOTENAME(Surname, '"') AS Surname FROM dbo.Patients
-- ----
-- Analytics: DATEDIFF_BIG in seconds
SELECT AppointmentId, DATEDIFF_BIG(second, BookedAt, StartsAt) AS LeadSeconds FROM dbo.Appointments
-- ----
-- Analytics: SYSUTCDATETIME and GETUTCDATE
SELECT TOP 1 SYSUTCDATETIME() AS NowUtc, GETUTCDATE() AS NowUtc2, SYSDATETIMEOFFSET() AS NowOffset FROM dbo.DemoInfo
-- ----
-- Analytics: CURRENT_TIMESTAMP without parentheses
SELECT COUNT(*) FROM dbo.Appointments WHERE StartsAt > CURRENT_TIMESTAMP
-- ----
-- Analytics: time zone shift of a timestamp
SELECT AppointmentId, SWITCHOFFSET(TODATETIMEOFFSET(StartsAt, '+10:00'), '+00:00') AS StartsUtc FROM dbo.Appointments
-- ----
-- Analytics: DATETIME2FROMPARTS and TIMEFROMPARTS
SELECT DATETIME2FROMPARTS(2024, 1, 1, 9, 0, 0, 0, 0) AS Opening, TIMEFROMPARTS(17, 30, 0, 0, 0) AS Closing FROM dbo.DemoInfo
-- ----
-- Analytics: DATETRUNC (SQL Server 2022)
SELECT DATETRUNC(month, InvoiceDate) AS Month, SUM(Amount) AS Total FROM dbo.Invoices GROUP BY DATETRUNC(month, InvoiceDate)
-- ----
-- Analytics: unary minus and parenthesised arithmetic
SELECT InvoiceId, -(Amount - 10) * (1 + 0.1) / 2 AS Adjusted FROM dbo.Invoices
-- ----
-- Analytics: comparison operators, all of them
SELECT InvoiceId FROM dbo.Invoices WHERE Amount >= 10 AND Amount <= 500 AND Amount <> 0 AND Amount != 1 AND Amount > 0 AND Amount < 1000
-- ----
-- Analytics: ANY and ALL subqueries
SELECT InvoiceId FROM dbo.Invoices WHERE Amount > ALL (SELECT Amount FROM dbo.Invoices WHERE ItemNumber = '23') OR Amount = ANY (SELECT Amount FROM dbo.Invoices WHERE ItemNumber = '36')
-- ----
-- Analytics: SOME subquery
SELECT PractitionerId FROM dbo.Practitioners WHERE PractitionerId = SOME (SELECT PractitionerId FROM dbo.Sessions)
-- ----
-- Analytics: ORDER BY an expression and a position
SELECT Surname, FirstName FROM dbo.Patients ORDER BY LEN(Surname) DESC, 2 ASC
-- ----
-- Analytics: ORDER BY a subquery
SELECT pr.PractitionerId FROM dbo.Practitioners pr ORDER BY (SELECT COUNT(*) FROM dbo.Appointments a WHERE a.PractitionerId = pr.PractitionerId) DESC
-- ----
-- Analytics: ROW_NUMBER ordered by nothing in particular
SELECT ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) AS n, PatientId FROM dbo.Patients
-- ----
-- Analytics: HAVING with an aggregate subquery
SELECT PractitionerId, COUNT(*) AS N FROM dbo.Appointments GROUP BY PractitionerId HAVING COUNT(*) > (SELECT AVG(c) FROM (SELECT COUNT(*) AS c FROM dbo.Appointments GROUP BY PractitionerId) x)
-- ----
-- Analytics: UNION of counts with a label column, ordered
SELECT 'patients' AS What, COUNT(*) AS N FROM dbo.Patients UNION ALL SELECT 'appointments', COUNT(*) FROM dbo.Appointments UNION ALL SELECT 'invoices', COUNT(*) FROM dbo.Invoices ORDER BY N DESC
-- ----
-- Analytics: parenthesised UNION branches
(SELECT PatientId FROM dbo.Recalls WHERE Status = 'Pending') UNION (SELECT PatientId FROM dbo.Appointments WHERE Status = 'Booked')
-- ----
-- Analytics: a select without FROM
SELECT GETDATE() AS Now, Source = 'relay'
-- ----
-- Analytics: deeply but reasonably nested functions
SELECT UPPER(LEFT(LTRIM(RTRIM(ISNULL(NULLIF(Suburb, ''), 'UNKNOWN'))), 20)) AS Suburb FROM dbo.Patients
-- ----
-- Analytics: three nested subqueries
SELECT PatientId FROM dbo.Patients WHERE PatientId IN (SELECT PatientId FROM dbo.Appointments WHERE PractitionerId IN (SELECT PractitionerId FROM dbo.Practitioners WHERE Specialty IN (SELECT Specialty FROM dbo.Practitioners WHERE Active = 1)))
-- ----
-- Analytics: window with PARTITION BY two columns and RANGE frame
SELECT PatientId, InvoiceDate, SUM(Amount) OVER (PARTITION BY PatientId ORDER BY InvoiceDate RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS ToDate FROM dbo.Invoices
-- ----
-- Analytics: COUNT(*) OVER () for a total alongside rows
SELECT TOP 50 PatientId, Surname, COUNT(*) OVER () AS TotalRows FROM dbo.Patients ORDER BY Surname
-- ----
-- Analytics: average appointments per patient, with a CTE and a derived table
WITH visits AS (SELECT PatientId, COUNT(*) AS N FROM dbo.Appointments GROUP BY PatientId) SELECT AVG(CAST(N AS decimal(10, 2))) AS AvgVisits FROM (SELECT N FROM visits WHERE N > 0) v
-- ----
-- Analytics: APPROX_COUNT_DISTINCT on a big table
SELECT APPROX_COUNT_DISTINCT(PatientId) AS ApproxPatients FROM dbo.Appointments
-- ----
-- Analytics: LOG, EXP, PI for a growth model
SELECT LOG(COUNT(*)) AS LogN, EXP(1) AS E, PI() AS Pi FROM dbo.Appointments
-- ----
-- Analytics: STRING_AGG of practitioners per specialty
SELECT Specialty, STRING_AGG(Surname, ', ') WITHIN GROUP (ORDER BY Surname ASC) AS Practitioners FROM dbo.Practitioners GROUP BY Specialty
-- ----
-- Reconciliation: unpaid invoices
SELECT i.InvoiceId, i.InvoiceDate, i.Amount, p.FirstName, p.Surname FROM dbo.Invoices i JOIN dbo.Patients p ON p.PatientId = i.PatientId WHERE i.Paid = 0 ORDER BY i.InvoiceDate
-- ----
-- Reconciliation: totals per payment method per day
SELECT InvoiceDate, PaymentMethod, SUM(Amount) AS Total, COUNT(*) AS N FROM dbo.Invoices WHERE InvoiceDate BETWEEN ? AND ? GROUP BY InvoiceDate, PaymentMethod ORDER BY InvoiceDate, PaymentMethod
-- ----
-- Reconciliation: daily banking summary with ROLLUP
SELECT ISNULL(PaymentMethod, 'TOTAL') AS Method, SUM(Amount) AS Total FROM dbo.Invoices WHERE InvoiceDate = ? AND Paid = 1 GROUP BY ROLLUP (PaymentMethod)
-- ----
-- Reconciliation: completed appointments without an invoice
SELECT a.AppointmentId, a.PatientId, a.StartsAt FROM dbo.Appointments a LEFT JOIN dbo.Invoices i ON i.AppointmentId = a.AppointmentId WHERE a.Status = 'Completed' AND i.InvoiceId IS NULL
-- ----
-- Reconciliation: invoices whose practitioner differs from the appointment's
SELECT i.InvoiceId, i.PractitionerId, a.PractitionerId AS AppointmentPractitioner FROM dbo.Invoices i JOIN dbo.Appointments a ON a.AppointmentId = i.AppointmentId WHERE i.PractitionerId <> a.PractitionerId
-- ----
-- Reconciliation: MBS item counts
SELECT ItemNumber, COUNT(*) AS N, SUM(Amount) AS Total FROM dbo.Invoices GROUP BY ItemNumber ORDER BY N DESC
-- ----
-- Reconciliation: invoices per practitioner per month, pivoted by CASE
SELECT PractitionerId, SUM(CASE WHEN MONTH(InvoiceDate) = 1 THEN Amount ELSE 0 END) AS Jan, SUM(CASE WHEN MONTH(InvoiceDate) = 2 THEN Amount ELSE 0 END) AS Feb, SUM(CASE WHEN MONTH(InvoiceDate) = 3 THEN Amount ELSE 0 END) AS Mar FROM dbo.Invoices WHERE YEAR(InvoiceDate) = ? GROUP BY PractitionerId
-- ----
-- Reconciliation: duplicate invoices for one appointment
SELECT AppointmentId, COUNT(*) AS Invoices FROM dbo.Invoices GROUP BY AppointmentId HAVING COUNT(*) > 1
-- ----
-- Reconciliation: outstanding balance per patient
SELECT PatientId, SUM(CASE WHEN Paid = 0 THEN Amount ELSE 0 END) AS Outstanding FROM dbo.Invoices GROUP BY PatientId HAVING SUM(CASE WHEN Paid = 0 THEN Amount ELSE 0 END) > 0
-- ----
-- Reconciliation: checksum of a day's invoices to compare with the accounting system
SELECT InvoiceDate, DayHash = SUM(CAST(CHECKSUM(InvoiceId, Amount, Paid) AS bigint)) FROM dbo.Invoices WHERE InvoiceDate = ? GROUP BY InvoiceDate
-- ----
-- Reconciliation: row hash for change detection
SELECT InvoiceId, HASHBYTES('SHA2_256', CONCAT(InvoiceId, '|', Amount, '|', Paid)) AS RowHash FROM dbo.Invoices WHERE InvoiceDate >= ?
-- ----
-- Reconciliation: BINARY_CHECKSUM of patient details
SELECT PatientId, BINARY_CHECKSUM(FirstName, Surname, DOB, Email) AS Hash FROM dbo.Patients
-- ----
-- Reconciliation: invoices in a date window with NOLOCK on every table
SELECT i.InvoiceId, p.Surname, pr.Surname AS Practitioner, i.Amount FROM dbo.Invoices i WITH (NOLOCK) JOIN dbo.Patients p WITH (NOLOCK) ON p.PatientId = i.PatientId JOIN dbo.Practitioners pr WITH (NOLOCK) ON pr.PractitionerId = i.PractitionerId WHERE i.InvoiceDate >= ? AND i.InvoiceDate < ?
-- ----
-- Reconciliation: amount formatted as currency
SELECT InvoiceId, FORMAT(Amount, 'C', 'en-AU') AS Amount FROM dbo.Invoices WHERE PatientId = ?
-- ----
-- Reconciliation: month-end totals using EOMONTH
SELECT EOMONTH(InvoiceDate) AS MonthEnd, SUM(Amount) AS Total FROM dbo.Invoices GROUP BY EOMONTH(InvoiceDate) ORDER BY MonthEnd
-- ----
-- Reconciliation: financial year (July to June)
SELECT CASE WHEN MONTH(InvoiceDate) >= 7 THEN YEAR(InvoiceDate) + 1 ELSE YEAR(InvoiceDate) END AS FinancialYear, SUM(Amount) AS Total FROM dbo.Invoices GROUP BY CASE WHEN MONTH(InvoiceDate) >= 7 THEN YEAR(InvoiceDate) + 1 ELSE YEAR(InvoiceDate) END
-- ----
-- Reconciliation: paid flag as text
SELECT InvoiceId, CASE Paid WHEN 1 THEN 'Paid' WHEN 0 THEN 'Unpaid' END AS PaidText FROM dbo.Invoices
-- ----
-- Reconciliation: EXISTS to find patients with both cash and card payments
SELECT p.PatientId FROM dbo.Patients p WHERE EXISTS (SELECT 1 FROM dbo.Invoices i WHERE i.PatientId = p.PatientId AND i.PaymentMethod = 'Cash') AND EXISTS (SELECT 1 FROM dbo.Invoices i WHERE i.PatientId = p.PatientId AND i.PaymentMethod = 'EFTPOS')
-- ----
-- Reconciliation: biggest invoice per patient (CROSS APPLY TOP 1)
SELECT p.PatientId, big.InvoiceId, big.Amount FROM dbo.Patients p CROSS APPLY (SELECT TOP 1 i.InvoiceId, i.Amount FROM dbo.Invoices i WHERE i.PatientId = p.PatientId ORDER BY i.Amount DESC) AS big
-- ----
-- Reconciliation: invoice numbers padded as text
SELECT RIGHT('000000' + CAST(InvoiceId AS varchar(10)), 6) AS InvoiceNo FROM dbo.Invoices
-- ----
-- Reconciliation: invoices between two parameters, both ends closed
SELECT COUNT(*), SUM(Amount) FROM dbo.Invoices WHERE InvoiceDate >= CAST(? AS date) AND InvoiceDate <= CAST(? AS date)
-- ----
-- Reconciliation: DISTINCT payment methods
SELECT DISTINCT PaymentMethod FROM dbo.Invoices ORDER BY PaymentMethod
-- ----
-- Reconciliation: GST component of amounts
SELECT InvoiceId, Amount, ROUND(Amount / 11, 2) AS Gst FROM dbo.Invoices WHERE ItemNumber LIKE 'P%'
-- ----
-- Reconciliation: three-way join with a LEFT JOIN and a condition in the ON
SELECT a.AppointmentId, i.InvoiceId, t.Name FROM dbo.Appointments a JOIN dbo.AppointmentTypes t ON t.AppointmentTypeId = a.AppointmentTypeId LEFT JOIN dbo.Invoices i ON i.AppointmentId = a.AppointmentId AND i.Paid = 1 WHERE a.AppointmentDate = ?
-- ----
-- Reconciliation: sum over a CTE joined back to two tables
WITH billed AS (SELECT AppointmentId, SUM(Amount) AS Billed FROM dbo.Invoices GROUP BY AppointmentId) SELECT a.PractitionerId, pr.Surname, SUM(b.Billed) AS Billed FROM billed b JOIN dbo.Appointments a ON a.AppointmentId = b.AppointmentId JOIN dbo.Practitioners pr ON pr.PractitionerId = a.PractitionerId GROUP BY a.PractitionerId, pr.Surname
-- ----
-- Reconciliation: ratio with NULLIF guarding against division by zero
SELECT PractitionerId, SUM(Amount) / NULLIF(COUNT(DISTINCT PatientId), 0) AS PerPatient FROM dbo.Invoices GROUP BY PractitionerId
-- ----
-- Bp Premier style: active patients from the BPS_Patients view
SELECT InternalID, Title, Firstname, Surname, DOB, Sex, MobilePhone, Email FROM BPS_Patients WHERE StatusText = 'Active'
-- ----
-- Bp Premier style: patient by internal id
SELECT * FROM dbo.BPS_Patients WHERE InternalID = ?
-- ----
-- Bp Premier style: appointments for a day
SELECT a.RecordID, a.InternalID, a.AppointmentDate, a.AppointmentTime, a.AppointmentLength, a.UserID FROM dbo.BPS_Appointments a WHERE a.AppointmentDate = ?
-- ----
-- Bp Premier style: appointment time stored as seconds after midnight
SELECT RecordID, DATEADD(second, AppointmentTime, CAST(AppointmentDate AS datetime)) AS StartsAt FROM dbo.BPS_Appointments WHERE AppointmentDate >= CAST(GETDATE() AS date)
-- ----
-- Bp Premier style: doctors list
SELECT UserID, Title, Firstname, Surname, ProviderNo FROM dbo.BPS_Doctors WHERE ActiveStatus = 'Active'
-- ----
-- Bp Premier style: appointments with patient and doctor names
SELECT a.AppointmentDate, a.AppointmentTime, p.Firstname + ' ' + p.Surname AS Patient, d.Surname AS Doctor FROM BPS_Appointments a WITH (NOLOCK) INNER JOIN BPS_Patients p WITH (NOLOCK) ON p.InternalID = a.InternalID INNER JOIN BPS_Doctors d WITH (NOLOCK) ON d.UserID = a.UserID WHERE a.AppointmentDate BETWEEN ? AND ?
-- ----
-- Bp Premier style: upper-case table and column names
SELECT INTERNALID, FIRSTNAME, SURNAME FROM PATIENTS WHERE RECORDSTATUS = 1
-- ----
-- Bp Premier style: appointment types view
SELECT AppointmentCode, Description, Duration FROM BPS_AppointmentTypes ORDER BY Description
-- ----
-- Bp Premier style: recall list view
SELECT r.InternalID, r.Reason, r.DueDate FROM BPS_Recalls r WHERE r.DueDate <= DATEADD(day, 28, GETDATE()) AND r.Status = 'Pending'
-- ----
-- Bp Premier style: invoices and payments views joined
SELECT inv.InvoiceID, inv.InvoiceDate, inv.Total, pay.Amount AS Paid FROM BPS_Invoices inv LEFT JOIN BPS_Payments pay ON pay.InvoiceID = inv.InvoiceID WHERE inv.InvoiceDate = ?
-- ----
-- Bp Premier style: sessions view with bracketed names
SELECT [UserID], [SessionDate], [StartTime], [EndTime] FROM [dbo].[BPS_Sessions] WHERE [SessionDate] >= ?
-- ----
-- Bp Premier style: patients with no visit in two years
SELECT p.InternalID FROM BPS_Patients p WHERE NOT EXISTS (SELECT 1 FROM BPS_Appointments a WHERE a.InternalID = p.InternalID AND a.AppointmentDate > DATEADD(year, -2, GETDATE()))
-- ----
-- Bp Premier style: count of today's arrivals by doctor
SELECT d.Surname, COUNT(*) AS Arrived FROM BPS_Appointments a JOIN BPS_Doctors d ON d.UserID = a.UserID WHERE a.AppointmentDate = CAST(GETDATE() AS date) AND a.Status = 'Arrived' GROUP BY d.Surname
-- ----
-- Bp Premier style: patient search, bracketed schema and table, parameters
SELECT TOP 25 [InternalID], [Firstname], [Surname], [DOB] FROM [dbo].[BPS_Patients] WITH (NOLOCK) WHERE [Surname] LIKE ? AND [Firstname] LIKE ? ORDER BY [Surname], [Firstname]
-- ----
-- Zedmed style: different schema name
SELECT PatientNo, GivenName, FamilyName FROM zm.Patient WHERE FamilyName = ?
-- ----
-- MedicalDirector style: a view in a non-dbo schema
SELECT PatientID, FirstName, LastName FROM md.vwPatients WHERE IsActive = 1
-- ----
-- Lowercase keywords throughout
select top 10 p.patientid, p.surname from dbo.patients p where p.status = 'Active' order by p.surname asc
-- ----
-- Mixed case keywords
SeLeCt PatientId FrOm dbo.Patients WhErE PatientId = ?
-- ----
-- Windows line endings
SELECT PatientId
FROM dbo.Patients
WHERE Surname = ?
-- ----
-- A leading block comment describing the query
/* Integration: SMS reminders v2.3
   Runs every 15 minutes */
SELECT a.AppointmentId, p.MobilePhone, a.StartsAt FROM dbo.Appointments a JOIN dbo.Patients p ON p.PatientId = a.PatientId WHERE a.StartsAt BETWEEN DATEADD(hour, 24, GETDATE()) AND DATEADD(hour, 25, GETDATE()) AND a.Status = 'Booked'
-- ----
-- Comment containing quotes and semicolons
SELECT PatientId FROM dbo.Patients -- don't; stop
-- ----
-- A block comment with an apostrophe and a bracket
SELECT /* it's [fine] */ PatientId FROM dbo.Patients
-- ----
-- Table name qualifier in column references without alias
SELECT Patients.PatientId, Patients.Surname FROM dbo.Patients WHERE Patients.Status = ?
-- ----
-- A table named like a keyword, bracketed
SELECT [Order].[Key] FROM dbo.[Order] WHERE [Order].[Key] = ?
-- ----
-- Column named like a function, bracketed
SELECT [Count], [Sum] FROM dbo.Totals
-- ----
-- Unreserved words as column names (Status, Name, Type, Date, Time, Text)
SELECT Status, Name, Type, Date, Time, Text FROM dbo.Things
-- ----
-- Alias words that are keywords elsewhere but unreserved
SELECT p.PatientId AS Rows, p.Surname AS Next, p.FirstName AS Value FROM dbo.Patients p
-- ----
-- A table alias that is an unreserved word
SELECT sessions.SessionId FROM dbo.Sessions sessions
-- ----
-- A CTE named like a table it reads (shadowing only in the main query)
WITH Patients AS (SELECT PatientId, Surname FROM dbo.Patients WHERE Status = 'Active') SELECT PatientId FROM Patients
-- ----
-- A recursive CTE that reads itself and one table
WITH chain AS (SELECT AppointmentId, PatientId, StartsAt, 1 AS Depth FROM dbo.Appointments WHERE AppointmentId = ? UNION ALL SELECT a.AppointmentId, a.PatientId, a.StartsAt, c.Depth + 1 FROM dbo.Appointments a JOIN chain c ON a.PatientId = c.PatientId AND a.StartsAt > c.StartsAt WHERE c.Depth < 5) SELECT * FROM chain
-- ----
-- Three CTEs chained
WITH a AS (SELECT PatientId FROM dbo.Appointments WHERE Status = 'Completed'), b AS (SELECT PatientId, COUNT(*) AS N FROM a GROUP BY PatientId), c AS (SELECT PatientId FROM b WHERE N > 3) SELECT p.Surname FROM dbo.Patients p JOIN c ON c.PatientId = p.PatientId
-- ----
-- CTE used twice in the main query
WITH v AS (SELECT PatientId, COUNT(*) AS N FROM dbo.Appointments GROUP BY PatientId) SELECT (SELECT MAX(N) FROM v) AS MaxVisits, (SELECT MIN(N) FROM v) AS MinVisits
-- ----
-- CTE referenced inside a subquery of the main query
WITH active AS (SELECT PatientId FROM dbo.Patients WHERE Status = 'Active') SELECT COUNT(*) FROM dbo.Appointments a WHERE a.PatientId IN (SELECT PatientId FROM active)
-- ----
-- CTE followed by a UNION
WITH x AS (SELECT PatientId FROM dbo.Recalls) SELECT PatientId FROM x UNION SELECT PatientId FROM dbo.Invoices
-- ----
-- CTE whose body has a UNION
WITH ids AS (SELECT PatientId FROM dbo.Recalls UNION SELECT PatientId FROM dbo.Invoices) SELECT COUNT(*) FROM ids
-- ----
-- CTE with a window function and a filter on it
WITH numbered AS (SELECT InvoiceId, PatientId, Amount, ROW_NUMBER() OVER (PARTITION BY PatientId ORDER BY Amount DESC) AS rn FROM dbo.Invoices) SELECT InvoiceId, PatientId, Amount FROM numbered WHERE rn <= 3
-- ----
-- Select list with a CASE in a CASE
SELECT PatientId, CASE WHEN Sex = 'F' THEN CASE WHEN DATEDIFF(year, DOB, GETDATE()) >= 50 THEN 'F50+' ELSE 'F' END ELSE 'M/X' END AS Cohort FROM dbo.Patients
-- ----
-- Simple CASE form
SELECT PatientId, CASE State WHEN 'NSW' THEN 'New South Wales' WHEN 'VIC' THEN 'Victoria' ELSE State END AS StateName FROM dbo.Patients
-- ----
-- WHERE with BETWEEN on dates and NOT BETWEEN on numbers
SELECT InvoiceId FROM dbo.Invoices WHERE InvoiceDate BETWEEN '2024-01-01' AND '2024-12-31' AND Amount NOT BETWEEN 0 AND 1
-- ----
-- ISO date literal compared with a datetime2 column
SELECT AppointmentId FROM dbo.Appointments WHERE StartsAt >= '2024-07-01T00:00:00'
-- ----
-- CAST of a string to date and time
SELECT CAST('2024-07-01' AS date) AS D, CAST('09:30' AS time) AS T, CAST(StartsAt AS datetime2(0)) AS S FROM dbo.Appointments
-- ----
-- CONVERT with a style to ISO text
SELECT CONVERT(nvarchar(30), StartsAt, 126) AS Iso FROM dbo.Appointments WHERE AppointmentId = ?
-- ----
-- CAST to nvarchar(max)
SELECT CAST(Notes AS nvarchar(max)) AS Notes FROM dbo.Appointments WHERE AppointmentId = ?
-- ----
-- CAST to uniqueidentifier-free bit
SELECT CAST(CASE WHEN Paid = 1 THEN 1 ELSE 0 END AS bit) AS IsPaid FROM dbo.Invoices
-- ----
-- ORDER BY with NULLs handled by CASE
SELECT PatientId, Email FROM dbo.Patients ORDER BY CASE WHEN Email IS NULL THEN 1 ELSE 0 END, Email
-- ----
-- Group by a CAST to date
SELECT CAST(StartsAt AS date) AS Day, COUNT(*) AS N FROM dbo.Appointments GROUP BY CAST(StartsAt AS date)
-- ----
-- HAVING with two conditions
SELECT PatientId FROM dbo.Invoices GROUP BY PatientId HAVING SUM(Amount) > 500 AND COUNT(*) >= 3
-- ----
-- OFFSET without FETCH
SELECT PatientId FROM dbo.Patients ORDER BY PatientId OFFSET 100 ROWS
-- ----
-- OFFSET ROW singular, FETCH NEXT 1 ROW
SELECT PatientId FROM dbo.Patients ORDER BY PatientId OFFSET 1 ROW FETCH NEXT 1 ROW ONLY
-- ----
-- IN list of parameters
SELECT PatientId, Surname FROM dbo.Patients WHERE PatientId IN (?, ?, ?, ?, ?)
-- ----
-- IN list of 50 numbers
SELECT PatientId FROM dbo.Patients WHERE PatientId IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50)
-- ----
-- NOT EXISTS anti-join with two conditions
SELECT p.PatientId FROM dbo.Patients p WHERE NOT EXISTS (SELECT 1 FROM dbo.Recalls r WHERE r.PatientId = p.PatientId AND r.Status = 'Pending')
-- ----
-- LEFT JOIN ... IS NULL anti-join
SELECT p.PatientId FROM dbo.Patients p LEFT JOIN dbo.Recalls r ON r.PatientId = p.PatientId WHERE r.RecallId IS NULL
-- ----
-- Join on a derived table with a window function
SELECT p.Surname, last.StartsAt FROM dbo.Patients p JOIN (SELECT PatientId, StartsAt, ROW_NUMBER() OVER (PARTITION BY PatientId ORDER BY StartsAt DESC) AS rn FROM dbo.Appointments) last ON last.PatientId = p.PatientId AND last.rn = 1
-- ----
-- Join order with LEFT OUTER and INNER mixed
SELECT p.PatientId, a.AppointmentId, i.InvoiceId FROM dbo.Patients p LEFT OUTER JOIN dbo.Appointments a ON a.PatientId = p.PatientId INNER JOIN dbo.Practitioners pr ON pr.PractitionerId = p.UsualDoctorId LEFT JOIN dbo.Invoices i ON i.AppointmentId = a.AppointmentId
-- ----
-- Comma join of three tables
SELECT p.PatientId, a.AppointmentId, t.Name FROM dbo.Patients p, dbo.Appointments a, dbo.AppointmentTypes t WHERE a.PatientId = p.PatientId AND t.AppointmentTypeId = a.AppointmentTypeId
-- ----
-- Join then comma
SELECT p.PatientId, i.AnchorDate FROM dbo.Patients p JOIN dbo.Appointments a ON a.PatientId = p.PatientId, dbo.DemoInfo i
-- ----
-- Subquery in FROM with its own join
SELECT x.Surname, x.N FROM (SELECT p.Surname, COUNT(*) AS N FROM dbo.Patients p JOIN dbo.Appointments a ON a.PatientId = p.PatientId GROUP BY p.Surname) AS x WHERE x.N > 2
-- ----
-- Subquery in FROM inside a subquery in FROM
SELECT y.N FROM (SELECT x.N FROM (SELECT COUNT(*) AS N FROM dbo.Appointments) x) y
-- ----
-- EXISTS in a CASE
SELECT p.PatientId, CASE WHEN EXISTS (SELECT 1 FROM dbo.Recalls r WHERE r.PatientId = p.PatientId) THEN 'Y' ELSE 'N' END AS HasRecall FROM dbo.Patients p
-- ----
-- IN subquery in a join condition
SELECT p.PatientId FROM dbo.Patients p JOIN dbo.Practitioners d ON d.PractitionerId = p.UsualDoctorId AND d.PractitionerId IN (SELECT PractitionerId FROM dbo.Sessions WHERE SessionDate = ?)
-- ----
-- Scalar subquery compared in WHERE
SELECT InvoiceId FROM dbo.Invoices WHERE Amount > (SELECT AVG(Amount) FROM dbo.Invoices)
-- ----
-- Arithmetic on dates in the select list
SELECT AppointmentId, DATEDIFF(minute, BookedAt, StartsAt) / 60.0 AS HoursAhead FROM dbo.Appointments
-- ----
-- String concatenation with + and CAST
SELECT 'Patient ' + CAST(PatientId AS varchar(10)) + ': ' + Surname AS Label FROM dbo.Patients
-- ----
-- Unicode prefix lower case
SELECT PatientId FROM dbo.Patients WHERE Surname = n'Smith'
-- ----
-- Empty string and spaces-only string
SELECT PatientId FROM dbo.Patients WHERE ISNULL(Email, '') = '' OR Email = '   '
-- ----
-- Semicolon, comment, then nothing
SELECT PatientId FROM dbo.Patients; /* end */
-- ----
-- Parameter markers in the select list and ORDER BY
SELECT ? AS Tag, PatientId FROM dbo.Patients WHERE PatientId > ? ORDER BY PatientId
-- ----
-- Division and modulo in one expression
SELECT PatientId / 100 AS Hundred, PatientId % 100 AS Rest FROM dbo.Patients
-- ----
-- NOT with parentheses
SELECT PatientId FROM dbo.Patients WHERE NOT (Status = 'Inactive' OR Status = 'Deceased')
-- ----
-- Double negation with IS NOT NULL and NOT IN
SELECT PatientId FROM dbo.Patients WHERE Email IS NOT NULL AND Sex NOT IN ('X')
-- ----
-- SELECT DISTINCT TOP
SELECT DISTINCT TOP 10 Suburb FROM dbo.Patients ORDER BY Suburb
-- ----
-- SELECT ALL
SELECT ALL Suburb FROM dbo.Patients
-- ----
-- Aggregates with DISTINCT and ALL
SELECT COUNT(DISTINCT Suburb) AS Suburbs, SUM(ALL MedicareLineNo) AS Lines FROM dbo.Patients
-- ----
-- MIN and MAX of strings
SELECT MIN(Surname) AS FirstSurname, MAX(Surname) AS LastSurname FROM dbo.Patients
-- ----
-- AVG of a CASE
SELECT AVG(CASE WHEN Paid = 1 THEN 1.0 ELSE 0.0 END) AS PaidShare FROM dbo.Invoices
-- ----
-- ASCII, CHAR, UNICODE, NCHAR
SELECT ASCII(LEFT(Surname, 1)) AS Code, CHAR(65) AS A, UNICODE(N'é') AS U, NCHAR(233) AS E FROM dbo.Patients
-- ----
-- DIFFERENCE between two names
SELECT a.PatientId, b.PatientId FROM dbo.Patients a JOIN dbo.Patients b ON DIFFERENCE(a.Surname, b.Surname) = 4 AND a.PatientId < b.PatientId WHERE a.DOB = b.DOB
-- ----
-- Trig functions in a distance calculation
SELECT 6371 * ACOS(COS(RADIANS(?)) * COS(RADIANS(?)) + SIN(RADIANS(?)) * SIN(RADIANS(?))) AS Km, DEGREES(ATAN(1)) AS D, ATN2(1, 1) AS A2, ASIN(0) AS S, TAN(0) AS T, COT(1) AS C FROM dbo.DemoInfo
-- ----
-- SQUARE and LOG10
SELECT SQUARE(Amount) AS Sq, LOG10(Amount + 1) AS L FROM dbo.Invoices
-- ----
-- VARP and STDEVP
SELECT STDEVP(Amount) AS PopSd, VARP(Amount) AS PopVar FROM dbo.Invoices
-- ----
-- GROUPING_ID with CUBE
SELECT GROUPING_ID(Sex, State) AS Level, Sex, State, COUNT(*) AS N FROM dbo.Patients GROUP BY CUBE (Sex, State)
-- ----
-- DATEDIFF in weeks for recall scheduling
SELECT RecallId, DATEDIFF(week, GETDATE(), DueDate) AS WeeksAway FROM dbo.Recalls
-- ----
-- DATEADD with a negative parameter
SELECT COUNT(*) FROM dbo.Appointments WHERE StartsAt > DATEADD(day, -?, GETDATE())
-- ----
-- SMALLDATETIMEFROMPARTS and DATETIMEFROMPARTS
SELECT SMALLDATETIMEFROMPARTS(2024, 2, 29, 8, 0) AS A, DATETIMEFROMPARTS(2024, 2, 29, 8, 0, 0, 0) AS B FROM dbo.DemoInfo
-- ----
-- LAG with default value
SELECT InvoiceId, Amount, LAG(Amount, 1, 0) OVER (ORDER BY InvoiceId) AS PrevAmount FROM dbo.Invoices
-- ----
-- LEAD with offset 2
SELECT AppointmentId, LEAD(StartsAt, 2) OVER (PARTITION BY PatientId ORDER BY StartsAt) AS ThirdNext FROM dbo.Appointments
-- ----
-- OVER with only PARTITION BY
SELECT PatientId, Amount, SUM(Amount) OVER (PARTITION BY PatientId) AS PatientTotal FROM dbo.Invoices
-- ----
-- Window aggregate with MIN/MAX
SELECT AppointmentId, MIN(StartsAt) OVER (PARTITION BY PatientId) AS FirstVisit, MAX(StartsAt) OVER (PARTITION BY PatientId) AS LastVisit FROM dbo.Appointments
-- ----
-- Online booking: sessions in the next 14 days, bounds without BETWEEN
SELECT s.SessionDate, s.StartTime, s.EndTime, s.Room, pr.FirstName + ' ' + pr.Surname AS Practitioner FROM dbo.Sessions s WITH (NOLOCK) INNER JOIN dbo.Practitioners pr WITH (NOLOCK) ON pr.PractitionerId = s.PractitionerId WHERE s.SessionDate >= CAST(GETDATE() AS date) AND s.SessionDate < DATEADD(day, 14, CAST(GETDATE() AS date))
-- ----
-- Recalls: due this month, bounds without BETWEEN
SELECT RecallId, PatientId FROM dbo.Recalls WHERE DueDate >= DATEFROMPARTS(YEAR(GETDATE()), MONTH(GETDATE()), 1) AND DueDate <= EOMONTH(GETDATE())
-- ----
-- Analytics: new vs returning patients per month
WITH firsts AS (SELECT PatientId, MIN(StartsAt) AS FirstVisit FROM dbo.Appointments GROUP BY PatientId) SELECT YEAR(a.StartsAt) AS Y, MONTH(a.StartsAt) AS M, SUM(CASE WHEN a.StartsAt = f.FirstVisit THEN 1 ELSE 0 END) AS NewPatients, SUM(CASE WHEN a.StartsAt > f.FirstVisit THEN 1 ELSE 0 END) AS [Returning] FROM dbo.Appointments a JOIN firsts f ON f.PatientId = a.PatientId GROUP BY YEAR(a.StartsAt), MONTH(a.StartsAt)
-- ----
-- Analytics: numbers and literals
SELECT 1 AS One, -2 AS MinusTwo, 3.5 AS Half, .25 AS Quarter, 1.5e3 AS Sci, N'text' AS Unicode, NULL AS Nothing FROM dbo.DemoInfo
-- ----
-- Reconciliation: numeric text with TRY_CAST
SELECT TRY_CAST(ItemNumber AS int) AS Item FROM dbo.Invoices
-- ----
-- TRY_CONVERT to a plain type
SELECT TRY_CONVERT(int, ItemNumber) AS ItemAsNumber, TRY_CONVERT(date, '2024-07-01') AS D FROM dbo.Invoices
-- ----
-- BETWEEN with plain function bounds
SELECT AppointmentId FROM dbo.Appointments WHERE StartsAt BETWEEN GETDATE() AND DATEADD(day, 7, GETDATE())
-- ----
-- BETWEEN with parameter bounds and a CAST on the left
SELECT AppointmentId FROM dbo.Appointments WHERE CAST(StartsAt AS date) BETWEEN ? AND ?
-- ----
-- Online booking: sessions with room and practitioner name, next 14 days
SELECT s.SessionDate, s.StartTime, s.EndTime, s.Room, pr.FirstName + ' ' + pr.Surname AS Practitioner FROM dbo.Sessions s WITH (NOLOCK) INNER JOIN dbo.Practitioners pr WITH (NOLOCK) ON pr.PractitionerId = s.PractitionerId WHERE s.SessionDate BETWEEN CAST(GETDATE() AS date) AND DATEADD(day, 14, CAST(GETDATE() AS date))
-- ----
-- Recalls: due this month (EOMONTH)
SELECT RecallId, PatientId FROM dbo.Recalls WHERE DueDate BETWEEN DATEFROMPARTS(YEAR(GETDATE()), MONTH(GETDATE()), 1) AND EOMONTH(GETDATE())
-- ----
-- Analytics: numbers and literals of every kind
SELECT 1 AS One, -2 AS MinusTwo, 3.5 AS Half, .25 AS Quarter, 1.5e3 AS Sci, 0x1F AS Bin, N'text' AS Unicode, NULL AS Nothing FROM dbo.DemoInfo
-- ----
-- Online booking: yesterday's appointments, the way most T-SQL is written
SELECT AppointmentId, FORMAT(StartsAt, 'dd/MM/yyyy') AS Day FROM dbo.Appointments WHERE StartsAt BETWEEN DATEADD(day, -1, CAST(GETDATE() AS date)) AND CAST(GETDATE() AS date)
-- ----
-- BETWEEN with a binary literal and a CASE bound
SELECT PatientId FROM dbo.Patients WHERE MedicareLineNo BETWEEN 0x01 AND CASE WHEN Sex = 'F' THEN ABS(-9) ELSE 5 END
-- ----
-- NOT BETWEEN with a nested CAST bound inside CASE WHEN, then more conditions
SELECT CASE WHEN a.StartsAt NOT BETWEEN DATEADD(day, -1, CAST(GETDATE() AS date)) AND CAST(GETDATE() AS date) + 1 THEN 'old' ELSE 'new' END AS Age FROM dbo.Appointments a WHERE a.PatientId BETWEEN ABS(?) AND ABS(?) * 2 AND a.Status = 'Booked'
