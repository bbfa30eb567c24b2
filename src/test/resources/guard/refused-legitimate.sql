-- JSqlParser reserves RETURNING, which T-SQL does not: unbracketed, it cannot be an alias
-- Analytics: new vs returning patients per month
WITH firsts AS (SELECT PatientId, MIN(StartsAt) AS FirstVisit FROM dbo.Appointments GROUP BY PatientId) SELECT YEAR(a.StartsAt) AS Y, MONTH(a.StartsAt) AS M, SUM(CASE WHEN a.StartsAt = f.FirstVisit THEN 1 ELSE 0 END) AS NewPatients, SUM(CASE WHEN a.StartsAt > f.FirstVisit THEN 1 ELSE 0 END) AS Returning FROM dbo.Appointments a JOIN firsts f ON f.PatientId = a.PatientId GROUP BY YEAR(a.StartsAt), MONTH(a.StartsAt)
-- ----
-- policy: TRY_PARSE is not on the allowed list, as JSqlParser 5.3 cannot read TRY_PARSE ( … AS type)
-- Reconciliation: parse a numeric text with TRY_PARSE
SELECT TRY_PARSE(ItemNumber AS int) AS Item FROM dbo.Invoices
-- ----
-- policy: a three-part column reference (schema.table.column) is refused like any three-part name; use an alias
-- Two-part names everywhere
SELECT dbo.Patients.PatientId FROM dbo.Patients
-- ----
-- JSqlParser 5.3 cannot read TRY_CONVERT with a parameterised type such as decimal(10, 2)
-- TRY_CONVERT to decimal
SELECT TRY_CONVERT(decimal(10, 2), ItemNumber) AS ItemAsNumber FROM dbo.Invoices
-- ----
-- policy: PARSE is not on the allowed list, as JSqlParser 5.3 cannot read PARSE ( … AS type USING culture)
-- PARSE a date in a culture
SELECT PARSE('01/07/2024' AS date USING 'en-AU') AS D FROM dbo.DemoInfo
-- ----
-- JSqlParser reserves OUTPUT and WINDOW, which T-SQL does not: unbracketed, they cannot be column names
-- Bp Premier style: columns named like JSqlParser keywords
SELECT Output, Window FROM dbo.Things
-- ----
-- JSqlParser reserves START as an alias, which T-SQL does not
-- Sessions: an alias named Start
SELECT s.StartTime AS Start FROM dbo.Sessions s
-- ----
-- policy: FOR clauses are refused, so the pre-2017 FOR XML PATH string aggregation is too; use STRING_AGG
-- Recalls: reasons per patient, old style
SELECT p.PatientId, STUFF((SELECT ', ' + r.Reason FROM dbo.Recalls r WHERE r.PatientId = p.PatientId FOR XML PATH('')), 1, 2, '') AS Reasons FROM dbo.Patients p
-- ----
-- policy: query hints (OPTION …) are refused
-- Analytics: recompile for a skewed parameter
SELECT PatientId FROM dbo.Appointments WHERE PractitionerId = ? OPTION (RECOMPILE)
-- ----
-- policy: query hints (OPTION …) are refused, so a recursive CTE keeps SQL Server's default limit of 100 levels
-- Analytics: a calendar of a year by recursion
WITH days AS (SELECT CAST(? AS date) AS D UNION ALL SELECT DATEADD(day, 1, D) FROM days WHERE D < DATEADD(year, 1, CAST(? AS date))) SELECT D FROM days OPTION (MAXRECURSION 400)
-- ----
-- policy: PIVOT is refused (it needs FOR); use SUM(CASE …) per column
-- Analytics: appointments per status as columns
SELECT * FROM (SELECT PractitionerId, Status FROM dbo.Appointments) s PIVOT (COUNT(Status) FOR Status IN ([Booked], [Completed], [DNA])) p
-- ----
-- policy: table-valued functions are refused, STRING_SPLIT included; send the values as ? parameters
-- Online booking: a list of ids in one parameter
SELECT PatientId, Surname FROM dbo.Patients WHERE PatientId IN (SELECT value FROM STRING_SPLIT(?, ','))
-- ----
-- policy: variables are refused; bind values with ? parameters
-- Recalls: a date window held in variables
DECLARE @from date = ?; SELECT RecallId FROM dbo.Recalls WHERE DueDate >= @from
-- ----
-- policy: FOR JSON is refused; the relay returns JSON itself
-- Patients: one patient as JSON
SELECT PatientId, FirstName, Surname FROM dbo.Patients WHERE PatientId = ? FOR JSON PATH, WITHOUT_ARRAY_WRAPPER
